#!/bin/sh
# Publish a gongshi build (public/) to S3-compatible object storage behind a CDN, uploading
# only the files whose contents changed.
#
#   sh publish.sh public site:my-bucket
#
# `site:` is an rclone remote (configured in ~/.config/rclone/rclone.conf or through
# RCLONE_CONFIG_SITE_* environment variables, as the CI recipes do).
set -eu

SRC=${1:-public}
DEST=${2:?usage: publish.sh PUBLIC_DIR REMOTE:BUCKET[/PATH]}

# 1. Attachments and theme files first, so that no new page points at a missing file.
#    --checksum compares MD5 with the object's ETag: a fresh CI checkout gives every file a
#    new modification time, so mtimes cannot tell what changed; contents can.
rclone copy "$SRC" "$DEST" --checksum --exclude "*.{html,xml,json,ics,txt}" \
    --header-upload "Cache-Control: public, max-age=3600"

# 2. Pages, feeds and open data: browsers and the CDN must revalidate them (consultation
#    states and deadlines change every day). Then delete what the build no longer has
#    (withdrawn records leave the site).
rclone sync "$SRC" "$DEST" --checksum --exclude "/search/meta.json" \
    --header-upload "Cache-Control: no-cache" \
    --stats-one-line --stats 0

# 3. The search index's meta.json last: it names the index build (?v=… on every shard and
#    chunk request), and search.js keeps a shard or chunk fetched under that name in the
#    browser cache without revalidating it, so the new files must be there before it.
rclone copy "$SRC" "$DEST" --checksum --include "/search/meta.json" \
    --header-upload "Cache-Control: no-cache"
