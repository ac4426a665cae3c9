"""deploy/ for the video library (issue 15): Debian's ffmpeg in the image and installed
by make, the catalogue's disk to check uploads on, its bucket named (the secrets are
checked with every other secret in tests/test_deploy.py)."""
from __future__ import annotations

import re

from tests.test_deploy import DOCKERFILE, ROOT, all_resources, web_and_scheduler_deployments


def test_the_image_and_make_have_ffmpeg_for_the_video_library():
    """The catalogue probes every uploaded video with ffprobe and takes its poster frame
    with ffmpeg (Debian's package): the image that runs has it, and `make test` and
    `make run` install it on a fresh machine as they do chromium."""
    runtime = DOCKERFILE.read_text().rsplit("\nFROM ", 1)[1]
    assert re.search(r"apt-get install -y --no-install-recommends ffmpeg=\S+", runtime)
    makefile = (ROOT / "Makefile").read_text()
    assert "test -x /usr/bin/ffprobe || (apt-get update" in makefile and "install -y -qq ffmpeg" in makefile
    for target in ("run", "test", "test-fast", "bench"):
        assert re.search(rf"^{target}:.*\bmedia-deps\b", makefile, flags=re.MULTILINE), target


def test_the_catalogue_has_disk_to_check_videos_on_and_the_bucket_is_named():
    web, _ = web_and_scheduler_deployments()
    spec = web["catalogue"]["spec"]["template"]["spec"]
    (container,) = spec["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    scratch = {v["name"]: v for v in spec["volumes"]}[mounts[env["LL_VIDEO_SCRATCH_DIR"]]]
    assert "medium" not in scratch["emptyDir"] and scratch["emptyDir"]["sizeLimit"].endswith("Gi")
    config = next(doc for _, doc in all_resources() if doc["kind"] == "ConfigMap")
    assert config["data"]["LL_VIDEO_S3_BUCKET"]
