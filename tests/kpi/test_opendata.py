def test_smoke(client, nemuro):
    r = client.get(f"/s/{nemuro.slug}/opendata/")
    print(r.status_code); open("/tmp/odsmoke/page.html","wb").write(r.content)
    r = client.get(f"/s/{nemuro.slug}/opendata/results.csv")
    b = b"".join(r.streaming_content); open("/tmp/odsmoke/r.csv","wb").write(b)
    print(r.headers)
    r = client.get(f"/s/{nemuro.slug}/opendata/results.json")
    b = b"".join(r.streaming_content); open("/tmp/odsmoke/r.json","wb").write(b)
