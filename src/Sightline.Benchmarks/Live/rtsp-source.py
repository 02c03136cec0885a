#!/usr/bin/python3
"""Serves H.264 MP4 files as live RTSP streams on loopback (GStreamer's RTSP server), for Sightline's tests and
camera benchmarks. Usage: rtsp-source.py PORT MOUNT=FILE [MOUNT=FILE ...]; PORT 0 picks a free one. Prints
'ready PORT' once listening. Each client gets its own pipeline from the file's start, paced in real time; the
stream ends with the file (loop it beforehand: ffmpeg -stream_loop N -c copy). With --shared (before PORT), every
client watches one pipeline, as clients of a real camera see the same moment. TCP and UDP transports both work."""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    shared = len(sys.argv) > 1 and sys.argv[1] == "--shared"
    if shared:
        del sys.argv[1]
    if len(sys.argv) < 3:
        print("usage: rtsp-source.py PORT MOUNT=FILE [MOUNT=FILE ...]", file=sys.stderr)
        return 2
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(sys.argv[1])
    mounts = server.get_mount_points()
    for spec in sys.argv[2:]:
        mount, _, path = spec.partition("=")
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(
            f'( filesrc location="{path}" ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )')
        factory.set_shared(shared)
        mounts.add_factory("/" + mount.strip("/"), factory)
    if server.attach(None) == 0:
        print("rtsp-source: could not listen", file=sys.stderr)
        return 1
    print(f"ready {server.get_bound_port()}", flush=True)
    GLib.MainLoop().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
