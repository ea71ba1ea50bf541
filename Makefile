# Kith's two everyday commands:
#   make run    serve Kith on http://127.0.0.1:8000 (PORT=8001 make run for another port)
#   make test   every check CI runs: lint, migrations, then the whole test suite
# Both need only python3 (3.11); everything else lands in .venv.

SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# A copy of the requirements.lock last installed: make reinstalls only when the lock is newer.
INSTALLED := $(VENV)/requirements.lock.installed
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx
# Phones draw emoji (a note's 🙏, a feeling's face) in colour; the browser tests' screenshots should too.
EMOJI_FONT := /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
MSGFMT := /usr/bin/msgfmt

.PHONY: run test lint day-sweep

run: $(INSTALLED)
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) seed_demo --if-empty
	@# Repeating visits are planned ahead on every start (production runs this daily).
	$(MANAGE) expand_rota
	@echo "Kith is running at http://127.0.0.1:$(PORT)/ (Ctrl+C stops it)"
	@# The push and export workers run alongside daphne, on the same line so that daphne (exec'd in
	@# place of this shell) is its parent: --stop-with-parent ends it when daphne ends.
	$(MANAGE) push_worker --stop-with-parent & $(MANAGE) export_worker --stop-with-parent & \
	  exec $(BIN)/daphne -b 127.0.0.1 -p $(PORT) core.asgi:application

# Two runs, each on both cores: everything but the browser, then the browser tests, which hold
# an event loop that the other tests' database calls refuse. Each worker of the second run has
# its own Chromium, server and database.
test: lint $(CHROMIUM) $(EMOJI_FONT) $(NGINX)
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/python -m pytest -m "not e2e" -n 2
	$(BIN)/python -m pytest -m e2e -n 2

# The suite but the browser on every day of a week and across both clock changes (.ci/day-sweep
# says which moments, and how to choose others). Slow: one whole run per moment.
day-sweep: $(INSTALLED)
	.ci/day-sweep

lint: $(INSTALLED) $(MSGFMT)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# The layers (.importlinter): frontend above families and teams, they above core's kernel.
	$(BIN)/lint-imports
	@# Types, with django-stubs, on the whole project, tests included ([tool.mypy] in pyproject.toml).
	$(BIN)/mypy .
	@# Every template word marked; every catalogue whole, current and compiled (.mo committed).
	$(MANAGE) check_translations

# The translation check reads and compiles catalogues with GNU gettext (Debian's gettext).
$(MSGFMT):
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's gettext for the translation check"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; \
	else \
	  echo "The translation check needs GNU gettext. Install it, then run make again:" >&2; \
	  echo "    sudo apt-get update && sudo apt-get install -y gettext" >&2; \
	  exit 1; \
	fi

$(BIN)/python:
	@# Debian ships venv separately; a half-made .venv would only confuse the next run.
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "Could not create $(VENV): on Debian, apt-get install python3-venv" >&2; exit 1; }

$(INSTALLED): requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	cp requirements.lock $@

# The browser tests drive Debian's Chromium: Playwright's own browser download is not used.
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
	  echo "The browser tests need Debian's chromium. Install it, then run make test again:" >&2; \
	  echo "    sudo apt-get update && sudo apt-get install -y chromium" >&2; \
	  exit 1; \
	fi

$(EMOJI_FONT):
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's colour emoji font for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-color-emoji; \
	else \
	  echo "The browser tests need Debian's colour emoji font. Install it, then run make test again:" >&2; \
	  echo "    sudo apt-get update && sudo apt-get install -y fonts-noto-color-emoji" >&2; \
	  exit 1; \
	fi

# The deployment test (deploy/tests) runs deploy/nginx/kith.conf in Debian's nginx.
$(NGINX):
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's nginx for the deployment test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; \
	else \
	  echo "The deployment test needs Debian's nginx. Install it, then run make test again:" >&2; \
	  echo "    sudo apt-get update && sudo apt-get install -y nginx" >&2; \
	  exit 1; \
	fi
