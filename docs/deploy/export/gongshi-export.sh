#!/bin/sh
# The daily export job: every consultation's new opinions go to its ledger, each head to the
# register (content/consultations/heads.jsonl), and both are committed and pushed, so that
# the next build publishes them and git anchors the heads outside the receiver's database.
#
# Runs on the receiver's machine, as the service user (it reads and marks the database),
# in a checkout of the site repository that it may write and push (SITE below).
# `verify` runs first and last: a database that lost entries (a restored backup, a lost -wal)
# or a ledger that lost lines stops the job before anything is committed — look at the
# journal (journalctl -u gongshi-export) and do not "fix" it by hand.
set -eu

SITE=${SITE:-/srv/gongshi/site}
DB=${DB:-/var/lib/gongshi/feedback.sqlite3}
BRANCH=${BRANCH:-main}

cd "$SITE"
git pull --ff-only --quiet origin "$BRANCH"
gongshi feedback verify --root "$SITE" --db "$DB" >/dev/null || {
    gongshi feedback verify --root "$SITE" --db "$DB" >&2 || true
    echo "gongshi-export: verify failed before exporting; nothing exported" >&2
    exit 1
}
gongshi feedback export --all --root "$SITE" --db "$DB"
gongshi feedback verify --root "$SITE" --db "$DB"
git add content/consultations
if git diff --cached --quiet; then
    echo "gongshi-export: nothing new"
    exit 0
fi
git commit --quiet -m "导出意见台账 $(date +%Y-%m-%d)"
git push --quiet origin "$BRANCH"
echo "gongshi-export: committed and pushed $(git rev-parse --short HEAD)"
