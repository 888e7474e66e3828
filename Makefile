# The verbs a person types. PostgreSQL and Redis: the local defaults (see README "Configuration")
# when they answer; otherwise `make demo` and `make test` start their own under .servping/
# (README "Where things run"). `make up` is the container alternative.
.PHONY: setup build demo test bench lint up down

# npm ci only when the lock or a manifest changed since the last install (npm writes
# node_modules/.package-lock.json at the end of every install).
setup: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json */package.json services/*/package.json
	npm ci --no-audit --no-fund

build: setup
	npm run build

demo: build
	npm run demo

test: build
	npm test

bench: build
	npm run bench

lint:
	npm run typecheck && npm run lint

up:
	docker compose up -d --build

down:
	docker compose down
