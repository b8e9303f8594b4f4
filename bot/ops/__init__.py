"""What an operator watches: liveness, readiness and Prometheus metrics on a port of their own."""
