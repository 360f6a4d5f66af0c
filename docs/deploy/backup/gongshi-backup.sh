#!/bin/sh
# Back up the feedback receiver's SQLite database while it is running.
#
# `sqlite3 .backup` copies a consistent snapshot through SQLite itself (never `cp` a live
# database: a copy taken mid-write can be corrupt). The copy is checked with
# `PRAGMA integrity_check`, compressed, and copies older than KEEP_DAYS are removed.
# Copy the backups off the machine as well (rclone, rsync, the bureau's backup system):
# comments are public records of the consultation and cannot be collected again.
set -eu

DB=${DB:-/var/lib/gongshi/feedback.sqlite3}
DEST=${DEST:-/var/backups/gongshi}
KEEP_DAYS=${KEEP_DAYS:-90}

stamp=$(date +%Y%m%d-%H%M%S)
out="$DEST/feedback-$stamp.sqlite3"
mkdir -p "$DEST"
chmod 0750 "$DEST"

# Waits up to 10 s if the receiver is writing at that moment.
sqlite3 -cmd ".timeout 10000" "$DB" ".backup '$out'"
# Alternative with the same guarantee: sqlite3 "$DB" "VACUUM INTO '$out'" (also compacts).

result=$(sqlite3 "$out" "PRAGMA integrity_check;")
if [ "$result" != "ok" ]; then
    echo "gongshi-backup: integrity check failed for $out: $result" >&2
    exit 1
fi
gzip -9 "$out"
# The head log beside the database (feedback.heads.jsonl: heads recorded outside it,
# docs/feedback.md "Anchors"), archived too. Append-only, so a copy taken after the database
# copy is never behind it. When restoring, do not put an old head log back: the current one
# is what shows which acknowledged comments the backup lacks.
HEADS="${DB%.*}.heads.jsonl"
if [ -f "$HEADS" ]; then
    gzip -9 -c "$HEADS" > "$DEST/feedback-$stamp.heads.jsonl.gz"
fi
find "$DEST" \( -name 'feedback-*.sqlite3.gz' -o -name 'feedback-*.heads.jsonl.gz' \) -mtime +"$KEEP_DAYS" -delete
echo "gongshi-backup: $out.gz"
