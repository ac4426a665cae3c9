"""The one library every Lighthouse Learning component imports.

Settings, databases, service tokens, the error shape, JSON logging with request ids,
health probes and the service application factory live here, so that the three
services and the gateway behave alike.  Nothing here imports a service or the gateway.
"""
