"""Distinct sounds for a good scan, a wrong one and a finished trip, made at first use as small
WAV files (no assets to ship): a picker hears which it was without looking."""

import math
import struct
import wave
from pathlib import Path

# (frequency Hz, seconds) tones in a row
TONES = {"good": [(1760, 0.08)], "wrong": [(220, 0.25), (0, 0.06), (220, 0.25)], "done": [(880, 0.1), (1175, 0.1), (1760, 0.18)]}


def sound_files(directory: Path, rate: int = 16_000) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, tones in TONES.items():
        path = directory / f"{name}.wav"
        if not path.exists():
            frames = b"".join(
                struct.pack("<h", int(12_000 * math.sin(2 * math.pi * hz * n / rate)) if hz else 0)
                for hz, seconds in tones for n in range(int(rate * seconds))
            )
            with wave.open(str(path), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(rate)
                out.writeframes(frames)
        files[name] = path
    return files
