"""File uploads after a sent message (the digest's charts): best effort, never retried."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deliveries import FileUpload
from bot.jobs.outcomes import error_code

logger = logging.getLogger(__name__)


def upload_files(*, client: WebClient, channel: str, files: Sequence[FileUpload]) -> bool:
    """Share files into a conversation with files_upload_v2 (scope files:write); False if Slack refused.

    The message before them already carries the same figures as text, so a failed upload is logged and
    not retried: the reader still has everything, and a retry could post the charts twice."""
    try:
        client.files_upload_v2(
            channel=channel,
            file_uploads=[
                {"content": f.content, "filename": f.filename, "title": f.title, "alt_txt": f.alt_text[:1000]}
                for f in files
            ],
        )
    except SlackApiError as error:
        logger.warning("uploading %d file(s) failed: %s", len(files), error_code(error)[0])
        return False
    except Exception as error:  # network trouble
        logger.warning("uploading %d file(s) failed with %s", len(files), type(error).__name__)
        return False
    return True
