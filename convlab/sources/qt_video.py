"""Video files on QtMultimedia: a looping (or ending) player whose decoded frames become `Frame`s, with
play, pause, a playback rate and plain-language reasons when a file cannot be played."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtMultimedia import QMediaPlayer

from convlab.sources.qt_media import MediaSource

__all__ = ["VideoFileSource"]


class VideoFileSource(MediaSource):
    """A video file played in real time (or faster) as a push source, looping by default.

    Parameters
    ----------
    path : str or os.PathLike
        The video file (anything the bundled FFmpeg decodes: MP4/H.264, WebM/VP9, MJPEG, ...).
    loop : bool, default True
        Start again at the end.
    """

    def __init__(self, path: str | os.PathLike, loop: bool = True, parent: QObject | None = None) -> None:
        self.path = Path(path)
        super().__init__(self.path.name, parent)
        self.loop = bool(loop)
        self._loaded = False
        self._player = QMediaPlayer(self)
        self._player.setVideoSink(self._sink)
        self._player.setLoops(QMediaPlayer.Loops.Infinite if self.loop else QMediaPlayer.Loops.Once)
        self._player.errorOccurred.connect(self._on_player_error)
        self._player.mediaStatusChanged.connect(self._on_media_status)
        self._player.playbackStateChanged.connect(self._on_playback_state)

    def start(self) -> None:
        """Same as :meth:`play` (every Qt source has ``start``)."""
        self.play()

    def play(self) -> None:
        """Start or resume playing; a missing or unreadable file emits ``error_occurred``."""
        if self._closed:
            return
        if not self._loaded:
            problem = _video_file_problem(self.path)
            if problem:
                self._fail(problem)
                return
            self._player.setSource(QUrl.fromLocalFile(str(self.path.resolve())))
            self._loaded = True
        if self.state == "error":
            self.state = "stopped"  # a new attempt: let the player's states through again
        self._player.play()

    def pause(self) -> None:
        """Pause; the last frame stays."""
        self._player.pause()

    def stop(self) -> None:
        """Stop and rewind to the start."""
        self._player.stop()

    def toggle_play(self) -> None:
        """Pause when playing, play otherwise."""
        if self.is_playing():
            self.pause()
        else:
            self.play()

    def is_playing(self) -> bool:
        """True while the video is playing."""
        return self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def set_playback_rate(self, rate: float) -> None:
        """Play ``rate`` times faster than real time (0.0625 to 16)."""
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0625 <= rate <= 16:
            raise ValueError(f"rate must be a number from 0.0625 to 16 (1 = real time), got {rate!r}")
        self._player.setPlaybackRate(float(rate))

    def close(self) -> None:
        """Stop playing and release the file; the last frame stays readable."""
        self._player.stop()
        self._player.setSource(QUrl())
        super().close()

    def _fail(self, reason: str) -> None:
        self._set_state("error")
        self.error_occurred.emit(f"Cannot play video '{self.path}': {reason}")

    def _on_player_error(self, error: QMediaPlayer.Error, message: str) -> None:
        if error == QMediaPlayer.Error.NoError or self._closed:
            return
        detail = f" ({message})" if message else ""
        self._fail(f"the file is corrupt or not a video format that can be decoded{detail}.")

    def _on_media_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia and not self.loop:
            self._set_state("ended")

    def _on_playback_state(self, state: QMediaPlayer.PlaybackState) -> None:
        name = {QMediaPlayer.PlaybackState.PlayingState: "playing",
                QMediaPlayer.PlaybackState.PausedState: "paused"}.get(state, "stopped")
        if not self._closed and self.state != "error" and not (self.state == "ended" and name == "stopped"):
            self._set_state(name)


def _video_file_problem(path: Path) -> str:
    """A plain-language reason the file cannot be played, or "" when it looks readable."""
    checks = [(not path.exists(), "the file does not exist."),
              (path.is_dir(), "it is a folder (directory), not a video file."),
              (not os.access(path, os.R_OK), "permission denied (you may not read this file)."),
              (path.is_file() and path.stat().st_size == 0, "the file is empty (0 bytes).")]
    return next((reason for failed, reason in checks if failed), "")
