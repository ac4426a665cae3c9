"""The video library's files as the browser reaches them: the streaming proxies for
uploads (tus) and signed playback (gateway/media/proxy.py)."""
