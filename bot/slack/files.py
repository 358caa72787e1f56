"""Sending a file to one person: into the bot's DM with them, never a channel (files_upload_v2)."""

from __future__ import annotations

from pathlib import Path

from slack_sdk import WebClient


def send_file_to_dm(
    client: WebClient, *, user_id: str, path: Path, filename: str, title: str, comment: str
) -> str:
    """Upload `path` into the DM between the bot and `user_id`; returns the DM's channel id."""
    opened = client.conversations_open(users=user_id)
    channel = str(opened["channel"]["id"])
    if not channel.startswith("D"):
        # conversations.open with one user always answers a DM; anything else would not be private.
        raise RuntimeError("conversations.open did not return a direct message")
    client.files_upload_v2(
        channel=channel,
        file=str(path),
        filename=filename,
        title=title,
        initial_comment=comment,
    )
    return channel
