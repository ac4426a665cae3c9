#!/usr/bin/env bash
# The container's entry point: run one command of one component.
#
#   entrypoint.sh <component> <command> [args...]
#   entrypoint.sh all-migrate
#
# component: gateway | catalogue | bookings | networks
# command:   web | migrate | scheduler | seed | check
set -euo pipefail

usage() {
  cat >&2 <<'USAGE'
usage: entrypoint.sh <component> <command> [args...]
       entrypoint.sh all-migrate

  component  gateway | catalogue | bookings | networks
  command    web        serve HTTP with gunicorn (port: --port N, or the component default)
             migrate    bring the component's database to the latest Alembic revision
             scheduler  the component's one APScheduler process (run exactly one)
             seed       load demo data (embedded default only)
             check      fail when models and migrations have drifted
  all-migrate  migrate all four components, one after another
USAGE
}

module_for() {
  case "$1" in
    gateway) echo "gateway" ;;
    catalogue | bookings | networks) echo "services.$1" ;;
    *) return 1 ;;
  esac
}

if [[ $# -eq 1 && ( "$1" == "-h" || "$1" == "--help" || "$1" == "help" ) ]]; then
  usage
  exit 0
fi

if [[ $# -eq 1 && "$1" == "all-migrate" ]]; then
  for component in gateway catalogue bookings networks; do
    echo "entrypoint: migrating ${component}" >&2
    python -m "$(module_for "$component")" migrate
  done
  exit 0
fi

if [[ $# -lt 2 ]]; then
  echo "entrypoint: expected a component and a command" >&2
  usage
  exit 2
fi

component="$1"
command="$2"
shift 2

if ! module="$(module_for "$component")"; then
  echo "entrypoint: unknown component '${component}'" >&2
  usage
  exit 2
fi

case "$command" in
  web | migrate | scheduler | seed | check) ;;
  *)
    echo "entrypoint: unknown command '${command}'" >&2
    usage
    exit 2
    ;;
esac

exec python -m "$module" "$command" "$@"
