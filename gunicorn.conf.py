"""gunicorn, as `make serve` and the container run it. Every value can be overridden from the
environment (WEB_HOST, PORT, WEB_CONCURRENCY, WEB_THREADS, WEB_TIMEOUT, FORWARDED_ALLOW_IPS)."""

import multiprocessing
import os

# Loopback by default: the TLS proxy on the same machine is the only way in (the container
# image sets WEB_HOST=0.0.0.0, its port being published on the host's loopback only).
bind = f"{os.environ.get('WEB_HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
# Threaded workers: a report download or a slow client holds a thread, not a process. Two
# processes per CPU plus one, four threads each: 20 requests at once on two CPUs.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Behind a TLS proxy on the same machine or network; "*" only if the proxy is the sole way in.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request=%({x-request-id}o)s'
