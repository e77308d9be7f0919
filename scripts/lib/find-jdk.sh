# shellcheck shell=bash
# Sourced by the scripts in scripts/: finds a JDK >= 21 (virtual threads) and Maven, or stops with a message
# saying what to install. The default `java` on many machines is older (17), so it is never trusted blindly.

LOOMSCOPE_MIN_JAVA=21

# Prints the feature version (17, 21, 25, ...) of the java executable $1, or nothing.
java_feature_version() {
  local spec
  spec=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
  case "$spec" in
    1.*) echo "${spec#1.}" ;;
    *) echo "$spec" ;;
  esac
}

# Exports JAVA_HOME (and puts its bin first on PATH) for the newest suitable JDK: $JAVA_HOME if it is one,
# else the newest under /usr/lib/jvm, /opt and ~/.sdkman, else the java on PATH.
find_jdk() {
  local candidate version best="" best_version=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    version=$(java_feature_version "$JAVA_HOME/bin/java")
    if [ -n "$version" ] && [ "$version" -ge "$LOOMSCOPE_MIN_JAVA" ]; then
      best="$JAVA_HOME"
      best_version=$version
    fi
  fi
  if [ -z "$best" ]; then
    for candidate in /usr/lib/jvm/* /opt/*jdk* /opt/java/* "$HOME"/.sdkman/candidates/java/*; do
      [ -x "$candidate/bin/javac" ] || continue
      version=$(java_feature_version "$candidate/bin/java")
      if [ -n "$version" ] && [ "$version" -ge "$LOOMSCOPE_MIN_JAVA" ] && [ "$version" -gt "$best_version" ]; then
        best="$candidate"
        best_version=$version
      fi
    done
  fi
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    version=$(java_feature_version "$candidate/bin/java")
    if [ -n "$version" ] && [ "$version" -ge "$LOOMSCOPE_MIN_JAVA" ]; then
      best="$candidate"
      best_version=$version
    fi
  fi
  if [ -z "$best" ]; then
    echo "loomscope: needs a JDK $LOOMSCOPE_MIN_JAVA or later (virtual threads); none found in JAVA_HOME, /usr/lib/jvm, /opt or PATH." >&2
    echo "loomscope: install one (e.g. Temurin 25: apt-get install temurin-25-jdk from the Adoptium repository, or openjdk-21-jdk) or set JAVA_HOME." >&2
    exit 3
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
  FIND_JDK_VERSION=$best_version
}

# Fills TEST_JDKS with the JDK homes the integration tests run the agent on (scripts/test): those LOOMSCOPE_TEST_JDKS
# lists (colon-separated) in that order, else every JDK >= 21 under the places find_jdk searches, $JAVA_HOME first,
# each once (symbolic links resolved). A listed JDK older than 21 is skipped with a line saying so (the agent has
# nothing to record there: UnsupportedJvmIT covers what it does on one); a listed path that is no JDK stops the script.
find_test_jdks() {
  local candidate version real seen=" " entries=()
  TEST_JDKS=()
  if [ -n "${LOOMSCOPE_TEST_JDKS:-}" ]; then
    IFS=: read -r -a entries <<< "$LOOMSCOPE_TEST_JDKS"
  else
    entries=("$JAVA_HOME" /usr/lib/jvm/* /opt/*jdk* /opt/java/* "$HOME"/.sdkman/candidates/java/*)
  fi
  for candidate in "${entries[@]}"; do
    [ -n "$candidate" ] || continue
    if [ ! -x "$candidate/bin/java" ]; then
      if [ -n "${LOOMSCOPE_TEST_JDKS:-}" ]; then
        echo "loomscope: LOOMSCOPE_TEST_JDKS names $candidate, which has no bin/java." >&2
        exit 3
      fi
      continue
    fi
    real=$(readlink -f "$candidate")
    case "$seen" in *" $real "*) continue ;; esac
    seen="$seen$real "
    version=$(java_feature_version "$candidate/bin/java")
    if [ -z "$version" ] || [ "$version" -lt "$LOOMSCOPE_MIN_JAVA" ]; then
      if [ -n "${LOOMSCOPE_TEST_JDKS:-}" ]; then
        echo "loomscope: skipping JDK ${version:-?} at $candidate: no virtual threads, the agent needs $LOOMSCOPE_MIN_JAVA+" >&2
      fi
      continue
    fi
    TEST_JDKS+=("$real")
  done
}

# Stops with a message unless Maven is installed.
find_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "loomscope: needs Apache Maven 3.8+ (apt-get install maven)." >&2
    exit 3
  fi
}

# Stops with a message unless gcc is installed where the build compiles the agent's native SIGQUIT shim (Linux x86_64).
find_gcc() {
  if [ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ] && ! command -v gcc >/dev/null 2>&1; then
    echo "loomscope: needs gcc to build the agent's native SIGQUIT shim (apt-get install gcc)." >&2
    exit 3
  fi
}
