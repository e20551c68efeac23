"""The data the site starts with: the seed loader (the transcription of the two source
documents in fixtures/) and the generator of synthetic strategies for the national-scale benchmark."""
