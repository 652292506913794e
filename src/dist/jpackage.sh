#!/usr/bin/env bash
# Builds the desktop app's jpackage image, target/dist/powrace/ (bin/powrace, its own Java runtime), from
# target/powrace.jar; with a second argument "true" (mvn -Pdist -Ddist.deb=true), also a .deb in target/dist/ where
# dpkg-deb is present.
# Run by `mvn -B -Pdist package`, after the jar is packed. The launcher passes the JVM options that
# `java -jar` can't: the Vector API module and the opening that the SHA-NI engine needs, so that powrace starts
# no second JVM, and map an archive of the app's classes (below).
set -euo pipefail
cd "$(dirname "$0")/../.."
version=${1:-0.1.0}
deb=${2:-false}
jpackage=${JPACKAGE:-}
if [ -z "$jpackage" ]; then
  for j in "${JAVA_HOME:-}/bin/jpackage" "$(dirname "$(readlink -f "$(command -v java)")")/jpackage"; do
    [ -x "$j" ] && { jpackage=$j; break; }
  done
fi
[ -n "$jpackage" ] || { echo "dist: no jpackage found (it comes with JDK 17's full JDK; set JPACKAGE=/path/to/jpackage)" >&2; exit 1; }
rm -rf target/dist target/dist-input
mkdir -p target/dist-input
cp target/powrace.jar target/dist-input/
# The runtime: the Java SE modules, the Vector API, and what the libraries reach outside java.se (Unsafe for
# JavaFX, Jackson and ZooKeeper; elliptic curves for TLS; the OS bean ZooKeeper reports), with the JDK's
# default CDS archive so that the JVM starts as fast as the system's `java` does.
modules=java.se,jdk.unsupported,jdk.incubator.vector,jdk.crypto.ec,jdk.management,jdk.security.auth,jdk.naming.dns,jdk.zipfs,jdk.charsets
options=(--add-modules jdk.incubator.vector --add-opens java.base/sun.security.provider=ALL-UNNAMED)
common=(--name powrace --app-version "$version" --vendor powrace
  --description "A live, precisely timed proof-of-work race between network nodes"
  --icon assets/icon.png)
"$jpackage" --type app-image --dest target/dist --input target/dist-input --main-jar powrace.jar \
  --main-class dev.powrace.cli.Main "${common[@]}" --add-modules "$modules" \
  --jlink-options "--strip-debug --no-man-pages --no-header-files --generate-cds-archive" \
  --java-options "${options[*]}" --java-options '-XX:SharedArchiveFile=$APPDIR/powrace.jsa -Xlog:cds*=off'
if [ "$deb" = true ]; then
  if command -v dpkg-deb > /dev/null && command -v fakeroot > /dev/null; then
    "$jpackage" --type deb --dest target/dist --app-image target/dist/powrace "${common[@]}" \
      --linux-shortcut --linux-menu-group Development
    echo "dist: $(ls target/dist/*.deb)"
  else
    echo "dist: no .deb: dpkg-deb and fakeroot are needed (apt-get install dpkg-dev fakeroot)" >&2
  fi
fi
# The app's classes, parsed and verified at build time into a class-data-sharing archive (AppCDS) that the
# launcher maps (the option above): the window shows in about 60% of the time. JDK 17's archive holds the
# jar's path, so it serves this image where it was built (a copy elsewhere, or the .deb's /opt/powrace, starts
# without it, silently); it is made after the .deb for that reason. The list of classes is
# src/dist/classlist.txt (src/dist/classlist.sh makes it anew).
image=target/dist/powrace
if ! "$image/lib/runtime/bin/java" -Xshare:dump -XX:SharedClassListFile=src/dist/classlist.txt \
    -XX:SharedArchiveFile="$image/lib/app/powrace.jsa" "${options[@]}" -cp "$image/lib/app/powrace.jar" \
    > target/dist-input/cds-dump.log 2>&1; then
  echo "dist: no class archive (see target/dist-input/cds-dump.log); the app starts without it" >&2
  rm -f "$image/lib/app/powrace.jsa"
fi
echo "dist: $image/bin/powrace"
