"""The fund units' portal: a Django application where a clerk checks a tracker and sends it.

A check reads an uploaded workbook with the pipeline's own code (reader, raw record, feedback
workbook, the month's SQL) in a child process with time and memory limits, and stores nothing
in the trackers folder (``checking``, ``worker``). Sending stores the file in the trackers
folder under the contract's name, atomically (``naming``, ``service``); the sensor then builds
the month, and the submission's state is read from the published warehouse (``service``).
Pages in the unit's language (``views``, ``text``), the same over HTTP with a token per
account (``api``), every check and submission recorded (``models``), uploads over 25 MB
refused before they are read (``limits``). Commands: ``python -m sr_pipeline.portal``.
"""
