# Two commands: `make run` and `make test`.  Both set themselves up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements-dev.lock pyproject.toml | cksum | cut -d' ' -f1)
PORT   ?= 8000
COMPONENTS := gateway services.catalogue services.bookings services.networks

.PHONY: install assets prepare run test test-fast browser-deps media-deps lock schema bench clean

$(STAMP): requirements-dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@rm -f $(VENV)/.installed-*
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --python $(BIN)/python -q -r requirements-dev.lock
	$(BIN)/uv pip install --python $(BIN)/python -q --no-deps -e .
	@touch $@

install: $(STAMP)

# npm packages: GOV.UK Frontend and Sass for the pages, axe-core for the browser tests.
node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	@touch $@

# The stylesheet: GOV.UK Frontend with our branding, compiled from gateway/assets, and
# its JavaScript beside it (both under gateway/static/build, which git ignores).
ASSETS := gateway/static/build/site.css
$(ASSETS): node_modules/.installed $(wildcard gateway/assets/*.scss)
	@mkdir -p gateway/static/build
	node_modules/.bin/sass --no-source-map --no-error-css --style=compressed --quiet-deps --load-path=node_modules \
		gateway/assets/site.scss $@
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js gateway/static/build/

assets: $(ASSETS)

# Keys under var/keys, every database migrated to head, demo data on first start
# (the components are independent, so they set up side by side).
prepare: install assets
	$(BIN)/python -m shared.keys
	@pids=""; for c in $(COMPONENTS); do $(BIN)/python -m $$c setup & pids="$$pids $$!"; done; \
		for p in $$pids; do wait $$p || exit 1; done

run: prepare media-deps
	PATH="$(BIN):$$PATH" LL_GATEWAY_PORT=$(PORT) LL_PUBLIC_URL=http://127.0.0.1:$(PORT) \
		$(BIN)/honcho start -f Procfile

# Debian's chromium and axe-core for the browser tests (Playwright's own browser
# download cannot work here, so we drive the system one).
browser-deps: node_modules/.installed
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# Debian's ffmpeg: the catalogue checks every uploaded video with ffprobe and takes its
# poster frame with ffmpeg (the tests make their small videos with it too).
media-deps:
	@test -x /usr/bin/ffprobe || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null)

test: install assets browser-deps media-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install assets media-deps
	$(BIN)/python -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

schema: install
	$(BIN)/python -m gateway export-schema

# requirements.lock is what the image runs; requirements-dev.lock adds the test tools.
lock:
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -q -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -q -o requirements-dev.lock

bench: install media-deps
	$(BIN)/python -m bench

clean:
	rm -rf var .pytest_cache
