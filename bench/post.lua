-- wrk script: POST a share click (network=line) with the site's own Origin.
wrk.method = "POST"
wrk.body = "network=line"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Origin"] = "http://127.0.0.1"
