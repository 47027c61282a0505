"""A stand-in for the tesserocr module (``Settings(tesseract_library="tests.fake_tesserocr")``):
its handles read one word, or fail as ``BEHAVIOUR`` says, read at each call."""

from __future__ import annotations

import time

# "read", "no model", "hang" (past any deadline), "fail" (at once), "nothing" (no TSV)
BEHAVIOUR = "read"
ROW = "5\t1\t2\t1\t3\t1\t4\t5\t6\t7\t91.8\tRx"


class OEM:
    LSTM_ONLY = 1


class PyTessBaseAPI:
    def __init__(self, path: str, lang: str, oem: int) -> None:
        if BEHAVIOUR == "no model":
            raise RuntimeError(f"Failed to init API, possibly an invalid tessdata path: {path}")
        self.ended = False

    @staticmethod
    def Version() -> str:
        return "5.3.0 (fake)"

    def SetVariable(self, name: str, value: str) -> bool:
        return True

    def SetPageSegMode(self, psm: int) -> None:
        pass

    def SetImageBytes(self, data: bytes, width: int, height: int, depth: int, line: int) -> None:
        pass

    def Recognize(self, timeout: int = 0) -> bool:
        if BEHAVIOUR == "hang":
            time.sleep(timeout / 1000 + 0.01)
            return False
        return BEHAVIOUR != "fail"

    def GetTSVText(self, page: int) -> str:
        if BEHAVIOUR == "nothing":
            raise RuntimeError("Failed to recognize. No image set? Mary Smith")
        return ROW + "\n"

    def Clear(self) -> None:
        pass

    def End(self) -> None:
        self.ended = True
