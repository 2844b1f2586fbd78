"""The portal's record: accounts (with their fund and API token), every check and every
submission: who, when, which file (as uploaded, and as stored), its sha256 and the result."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models

FUNDS_AND_ALL = ("QIP", "TF", "PBF", "ALL")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Account(models.Model):
    """A person's fund (``ALL``: the data team) and the sha256 of their API token (the token
    itself is shown once, by ``add-user``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_account"
    )
    fund = models.CharField(max_length=3, choices=[(f, f) for f in FUNDS_AND_ALL])
    token_sha256 = models.CharField(max_length=64, unique=True)


class Check(models.Model):
    """One uploaded workbook read as the pipeline would read it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    fund = models.CharField(max_length=3, null=True)  # whose check: the account's fund
    created = models.DateTimeField(auto_now_add=True)
    upload_name = models.CharField(max_length=255)  # as the browser said: shown, never a path
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    refused = models.BooleanField()
    seconds = models.FloatField()
    result = models.JSONField()

    class Meta:
        ordering = ["-created"]


class Submission(models.Model):
    """A checked file stored in the trackers folder under the contract's name."""

    source_check = models.ForeignKey(Check, on_delete=models.PROTECT, related_name="submissions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created = models.DateTimeField(auto_now_add=True)
    fund = models.CharField(max_length=3)
    stored_as = models.CharField(max_length=255)
    path = models.CharField(max_length=1000)  # relative to the trackers folder
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created"]
