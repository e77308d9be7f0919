# shellcheck shell=bash
#
# find_jdk [MIN_FEATURE]
#
# Finds a JDK (java and javac) whose feature version is at least MIN_FEATURE (default 21), exports JAVA_HOME and
# puts $JAVA_HOME/bin first on PATH, so that `java`, `javac` and Maven all use it. Sets FIND_JDK_VERSION to its
# feature version (e.g. 25). Returns 1 after a one-line message on stderr when there is none.
#
# Order: $JAVA_HOME if it is new enough (an explicit choice wins, even over a newer JDK); otherwise the newest JDK
# among the usual install locations and the `javac` on PATH. The default `java` is often older (e.g. Java 17, which
# has no virtual threads), so it is never trusted without checking its version.
#
# Safe to source into scripts running with `set -euo pipefail`; changes no shell option.

# Prints the feature version of the JDK at $1 (8 for 1.8.0_x, 25 for 25.0.3), or fails if $1 is not a JDK.
_find_jdk_feature() {
    local home=$1 version=""
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
    if [ -r "$home/release" ]; then
        # JAVA_VERSION="25.0.3" in every JDK since 9 (and most 8s): no JVM start needed
        version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release") || version=""
    fi
    if [ -z "$version" ]; then
        version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java\.specification\.version = //p') || version=""
    fi
    version=${version#1.}             # 1.8.0_392 -> 8.0_392
    version=${version%%[!0-9]*}       # 25.0.3 -> 25, 22-ea -> 22
    [ -n "$version" ] || return 1
    printf '%s\n' "$version"
}

find_jdk() {
    local min=${1:-21} candidate feature best="" best_feature=0 skipped="" saved_globs on_path
    if [ -n "${JAVA_HOME:-}" ]; then
        if feature=$(_find_jdk_feature "$JAVA_HOME"); then
            if [ "$feature" -ge "$min" ]; then
                best=$JAVA_HOME
                best_feature=$feature
            else
                skipped="JAVA_HOME: $JAVA_HOME is Java $feature, older than $min"
            fi
        else
            skipped="JAVA_HOME: $JAVA_HOME is not a JDK"
        fi
    fi

    if [ -z "$best" ]; then
        saved_globs=$(shopt -p nullglob failglob) || true # `shopt -p` fails when an option is off
        shopt -s nullglob
        shopt -u failglob
        on_path=""
        if command -v javac >/dev/null 2>&1; then
            on_path=$(readlink -f "$(command -v javac)") || on_path=""
            on_path=${on_path%/bin/javac}
        fi
        for candidate in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* \
                /Library/Java/JavaVirtualMachines/*/Contents/Home \
                "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* ${on_path:+"$on_path"}; do
            [ -d "$candidate" ] || continue
            feature=$(_find_jdk_feature "$candidate") || continue
            if [ "$feature" -ge "$min" ] && [ "$feature" -gt "$best_feature" ]; then
                best=$(cd "$candidate" && pwd -P) # /usr/lib/jvm has symlinked aliases: report the real directory
                best_feature=$feature
            fi
        done
        eval "$saved_globs"
        if [ -n "$best" ] && [ -n "$skipped" ]; then
            echo "find_jdk: ignoring $skipped; using $best (Java $best_feature)" >&2
        fi
    fi

    if [ -z "$best" ]; then
        echo "find_jdk: no JDK $min or newer found${skipped:+ ($skipped)}; install JDK $min+ (e.g. Temurin or" \
            "openjdk-$min-jdk) under /usr/lib/jvm, or set JAVA_HOME to one" >&2
        return 1
    fi
    export JAVA_HOME=$best
    export PATH="$JAVA_HOME/bin:$PATH"
    FIND_JDK_VERSION=$best_feature
}
