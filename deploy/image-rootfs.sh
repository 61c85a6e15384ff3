#!/bin/sh
# Lays out, under DIR, the files the vxrecon image needs beside its binary (the final stage of
# deploy/Dockerfile is FROM scratch and copies DIR as its root):
#   etc/passwd, etc/group               the unprivileged user and group 10001, "vxrecon"
#   etc/ssl/certs/ca-certificates.crt   the CA bundle, for https to the API and the token endpoint
#   tmp/                                empty, mode 1777 (TMPDIR)
# Run by the Dockerfile's build stage, and by .ci/check_deploy.sh.
set -eu
dir=${1:?usage: image-rootfs.sh DIR}
ca=/etc/ssl/certs/ca-certificates.crt
[ -s "$ca" ] || { echo "image-rootfs.sh: no CA bundle at $ca" >&2; exit 1; }
mkdir -p "$dir/etc/ssl/certs" "$dir/tmp"
chmod 1777 "$dir/tmp"
cp "$ca" "$dir/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/:/sbin/nologin\nvxrecon:x:10001:10001:vxrecon:/data:/sbin/nologin\n' >"$dir/etc/passwd"
printf 'root:x:0:\nvxrecon:x:10001:\n' >"$dir/etc/group"
chmod 0644 "$dir/etc/passwd" "$dir/etc/group" "$dir/etc/ssl/certs/ca-certificates.crt"
