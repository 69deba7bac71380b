#!/bin/sh
# Install Mesa's software OpenGL (llvmpipe) and EGL, which the Kivy app renders with offscreen
# (SDL_VIDEODRIVER=offscreen) in tests/handheld/test_the_app_on_screen.py.
# Does nothing when they are already there, or when we are not root with apt-get.
set -e
if dpkg -s libgl1-mesa-dri libgl1 libegl1 >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "install_gl.sh: not root with apt-get; the on-screen handheld test needs Mesa's OpenGL" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends libgl1-mesa-dri libgl1 libegl1 >/dev/null
