"""Running the site in production: what a load balancer, a reverse proxy and a failing database
need from it — the health check (health), the 503 page when the database is unavailable
(database), the Japanese CSRF refusal page (csrf) and the client address behind a trusted proxy
(client_ip)."""
