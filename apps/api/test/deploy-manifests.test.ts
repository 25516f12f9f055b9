/**
 * The deploy targets (docker compose, Railway, Kubernetes, hatchet.yaml) against the image's run
 * modes and the env contract: ordering, ports, commands, probes, and no secrets in the files.
 * deploy/run-modes.json is the one list of run-mode commands; it is checked against the build here.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { HATCHET_ENGINE_TAG } from "@hogsend/devstack";
import { readEnv } from "@hogsend/engine";
import { parse as parseToml } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import tsupConfig from "../tsup.config.js";

const root = resolve(import.meta.dirname, "../../..");
const read = (path: string) => readFileSync(join(root, path), "utf8");
// biome-ignore lint/suspicious/noExplicitAny: parsed manifests are checked field by field
type Doc = any;
const yamlFile = (path: string): Doc => parseYaml(read(path), { merge: true });

const RUN_MODES = ["api", "worker", "migrate"] as const;
type RunMode = (typeof RUN_MODES)[number];
const runModes = JSON.parse(read("deploy/run-modes.json")) as Record<RunMode, string[]>;
const commandLine = (mode: RunMode) => runModes[mode].join(" ");

/** A secret-looking env key: its value must come from .env / a Secret, never from the file. */
const SECRET_KEY = /SECRET|TOKEN|PASSWORD|_PASS$|API_KEY/;

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?message}` interpolation, enough for these files. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g,
    (_, name: string, op?: string, arg?: string) => {
      const v = vars[name];
      if (v !== undefined && v !== "") return v;
      if (op === "?") throw new Error(`${name}: ${arg}`);
      return op === "-" ? (arg ?? "") : "";
    },
  );
}

/** KEY=value lines of an env file (comments and blanks skipped). */
function envFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of read(path).split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1]) out[m[1]] = m[2] ?? "";
  }
  return out;
}

/** Values an operator fills in: valid for production, and not placeholders. */
const OPERATOR_SECRETS = {
  BETTER_AUTH_SECRET: "k3Jx9vQ2mW7pL4tR8yB1nC6hF0dZ5aS2uE",
  // A token's claims name its engine; Hatchet Cloud's is a TLS address.
  HATCHET_CLIENT_TOKEN: `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(
    JSON.stringify({ sub: "tenant", grpc_broadcast_address: "engine.hatchet.test:443" }),
  ).toString("base64url")}.c2ln`,
  RESEND_API_KEY: "re_live_0123456789",
  EMAIL_FROM: "Acme <hello@acme.test>",
  API_PUBLIC_URL: "https://hogsend.acme.test",
};

/** After the drain, the run modes close their pools in up to this long (SHUTDOWN_GRACE_MS docs). */
const CLOSE_POOLS_MS = 5_000;

/** The drain a run mode would use with this env, per the env contract (its default included). */
function shutdownGraceMs(env: Record<string, string | undefined>): number {
  const parsed = readEnv(env);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const value = (parsed.env as Record<string, unknown>).SHUTDOWN_GRACE_MS;
  expect(value, "SHUTDOWN_GRACE_MS in the env contract").toBeTypeOf("number");
  return value as number;
}

/** Runs an inline `node -e` probe the way a container would, with PORT pointing at `port`. */
function runProbe(script: string, port: number): Promise<number | null> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["-e", script], {
      env: { PATH: process.env.PATH, PORT: String(port) },
      stdio: "ignore",
    });
    child.once("error", fail);
    child.once("close", done);
  });
}

/** A stand-in api whose /v1/health answers with whatever status the test sets. */
let healthStatus = 200;
let healthServer: Server;
let healthPort: number;
let closedPort: number;
beforeAll(async () => {
  healthServer = createServer((req, res) => {
    res.writeHead(req.url === "/v1/health" ? healthStatus : 404, { "content-type": "application/json" });
    res.end("{}");
  });
  await new Promise<void>((r) => healthServer.listen(0, "127.0.0.1", r));
  healthPort = (healthServer.address() as AddressInfo).port;
  const spare = createServer();
  await new Promise<void>((r) => spare.listen(0, "127.0.0.1", r));
  closedPort = (spare.address() as AddressInfo).port;
  await new Promise((r) => spare.close(r));
});
afterAll(async () => {
  await new Promise((r) => healthServer.close(r));
});

describe("run modes (deploy/run-modes.json)", () => {
  it("match the build: the tsup entries, the api's start script and the root db:migrate script", () => {
    const config = tsupConfig as { entry: Record<string, string>; outDir: string };
    expect(runModes.api).toEqual(["node", `apps/api/${config.outDir}/index.js`]);
    expect(runModes.worker).toEqual(["node", `apps/api/${config.outDir}/worker.js`]);
    expect(config.entry).toMatchObject({ index: "src/index.ts", worker: "src/worker.ts" });
    const apiPkg = JSON.parse(read("apps/api/package.json")) as { scripts: Record<string, string> };
    expect(`node apps/api/${apiPkg.scripts.start?.replace(/^node /, "")}`).toBe(commandLine("api"));
    const rootPkg = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    expect(rootPkg.scripts["db:migrate"]).toBe(commandLine("migrate"));
    expect(existsSync(join(root, runModes.migrate[1] as string))).toBe(true);
  });
});

describe("docker-compose.yml (infra for host-process dev)", () => {
  const compose = yamlFile("docker-compose.yml");
  const services = compose.services as Record<string, Doc>;

  it("runs TimescaleDB on Postgres 18, Redis 8 and hatchet-lite at the pinned engine tag, each health-checked", () => {
    expect(Object.keys(services).sort()).toEqual(["hatchet-lite", "hatchet-postgres", "postgres", "redis"]);
    expect(services.postgres.image).toMatch(/^timescale\/timescaledb:.*pg18/);
    expect(services.postgres.environment).toMatchObject({
      POSTGRES_USER: "growthhog",
      POSTGRES_PASSWORD: "growthhog",
      POSTGRES_DB: "growthhog",
    });
    expect(services.redis.image).toMatch(/^redis:8/);
    expect(services["hatchet-lite"].image).toBe(
      `ghcr.io/hatchet-dev/hatchet/hatchet-lite:${HATCHET_ENGINE_TAG}`,
    );
    expect(services["hatchet-lite"].depends_on["hatchet-postgres"].condition).toBe("service_healthy");
    for (const [name, service] of Object.entries(services))
      expect(service.healthcheck?.test, name).toBeDefined();
  });

  it("publishes 5434, 6380, 8888 and 7077 by default, each overridable", () => {
    const published = Object.fromEntries(
      Object.entries(services).flatMap(([name, s]) =>
        ((s.ports ?? []) as string[]).map((p) => {
          const m = /^\$\{[A-Z_]+:-(\d+)\}:(\d+)$/.exec(p);
          expect(m, `${name} ${p} is not \${VAR:-default}:port`).not.toBeNull();
          return [`${name}:${m?.[2]}`, Number(m?.[1])];
        }),
      ),
    );
    expect(published).toEqual({
      "postgres:5432": 5434,
      "redis:6379": 6380,
      "hatchet-lite:8888": 8888,
      "hatchet-lite:7077": 7077,
    });
  });

  it("agrees with the host-process regime of .env.example", () => {
    const url = new URL(envFile(".env.example").DATABASE_URL as string);
    expect([url.hostname, url.port, url.username, url.password, url.pathname]).toEqual([
      "localhost",
      "5434",
      "growthhog",
      "growthhog",
      "/growthhog",
    ]);
  });

  it("declares every named volume it mounts", () => {
    for (const [name, service] of Object.entries(services))
      for (const v of (service.volumes ?? []) as string[])
        expect(Object.keys(compose.volumes), `${name}: ${v}`).toContain(v.split(":")[0]);
  });
});

describe("docker-compose.prod.yml (the full stack)", () => {
  const compose = yamlFile("docker-compose.prod.yml");
  const services = compose.services as Record<string, Doc>;
  const operatorEnv: Record<string, string> = {
    ...envFile(".env.example"),
    ...OPERATOR_SECRETS,
    POSTGRES_PASSWORD: "pg-pass",
    HATCHET_POSTGRES_PASSWORD: "hatchet-pass",
  };
  /** What a run-mode container sees: .env, then the service's environment (which wins). */
  const containerEnv = (name: RunMode): Record<string, string> => ({
    ...operatorEnv,
    ...Object.fromEntries(
      Object.entries(services[name].environment as Record<string, string>).map(([k, v]) => [
        k,
        interpolate(String(v), operatorEnv),
      ]),
    ),
  });

  it("runs the three run modes from one image, with the commands of deploy/run-modes.json", () => {
    for (const mode of RUN_MODES) {
      expect(services[mode].command, mode).toEqual(runModes[mode]);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation, literally
      expect(services[mode].image, mode).toBe("${HOGSEND_IMAGE:-hogsend:latest}");
      expect(services[mode].build, mode).toBe(".");
      expect(services[mode].env_file, mode).toBe(".env");
    }
  });

  it("orders migrate after a healthy Postgres, and api and worker after a successful migrate", () => {
    expect(services.migrate.depends_on.postgres.condition).toBe("service_healthy");
    expect(services.migrate.restart).toBe("no");
    for (const mode of ["api", "worker"])
      expect(services[mode].depends_on.migrate.condition, mode).toBe("service_completed_successfully");
    expect(services["hatchet-lite"].depends_on["hatchet-postgres"].condition).toBe("service_healthy");
  });

  it("health-checks the infra and the api, the api on /v1/health with node rather than curl", async () => {
    for (const name of ["postgres", "redis", "hatchet-postgres", "hatchet-lite", "api"])
      expect(services[name].healthcheck?.test, name).toBeDefined();
    const [kind, command, flag, script] = services.api.healthcheck.test as string[];
    expect([kind, command, flag]).toEqual(["CMD", "node", "-e"]);
    // Healthy or degraded (200) is healthy; migration_pending (503), errors and silence are not.
    for (const [status, code] of [
      [200, 0],
      [503, 1],
      [500, 1],
    ] as const) {
      healthStatus = status;
      expect(await runProbe(script as string, healthPort), `status ${status}`).toBe(code);
    }
    expect(await runProbe(script as string, closedPort)).toBe(1);
  });

  it("publishes the api on 3002 and keeps the rest off public interfaces", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation, literally
    expect(services.api.ports).toEqual(["${HOGSEND_API_BIND:-127.0.0.1}:${HOGSEND_API_PORT:-3002}:3002"]);
    expect(services.api.environment.PORT).toBe("3002");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation, literally
    expect(services["hatchet-lite"].ports).toEqual(["127.0.0.1:${HATCHET_DASHBOARD_PORT:-8888}:8888"]);
    for (const name of ["postgres", "redis", "hatchet-postgres", "migrate", "worker"])
      expect(services[name].ports, name).toBeUndefined();
    expect(services["hatchet-lite"].image).toBe(
      `ghcr.io/hatchet-dev/hatchet/hatchet-lite:${HATCHET_ENGINE_TAG}`,
    );
  });

  it("points every run mode at the in-network services, and the result passes the production env contract", () => {
    for (const mode of RUN_MODES) {
      const env = containerEnv(mode);
      expect(new URL(env.DATABASE_URL as string).host, mode).toBe("postgres:5432");
      expect(new URL(env.REDIS_URL as string).host, mode).toBe("redis:6379");
      expect(env.HATCHET_CLIENT_HOST_PORT, mode).toBe("hatchet-lite:7077");
      expect(env.HATCHET_CLIENT_TLS_STRATEGY, mode).toBe("none");
      const parsed = readEnv(env);
      expect(parsed.ok ? [] : parsed.issues, mode).toEqual([]);
      if (parsed.ok) expect(parsed.env.NODE_ENV).toBe("production");
    }
  });

  it("holds no secrets: secret values and passwords in URLs are interpolated from .env", () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [key, raw] of Object.entries((service.environment ?? {}) as Record<string, string>)) {
        const value = String(raw);
        if (SECRET_KEY.test(key)) expect(value, `${name}.${key}`).toMatch(/^\$\{[A-Z_]+(:\?[^}]*)?\}$/);
        const credentials = /^[a-z]+:\/\/[^/:@]+:([^@]+)@/.exec(value);
        if (credentials) expect(credentials[1], `${name}.${key}`).toMatch(/^\$\{[A-Z_]+(:\?[^}]*)?\}$/);
      }
    }
    expect(() => containerEnv("api")).not.toThrow();
    expect(() =>
      interpolate(String(services.postgres.environment.POSTGRES_PASSWORD), {
        ...operatorEnv,
        POSTGRES_PASSWORD: "",
      }),
    ).toThrow(/POSTGRES_PASSWORD/);
  });

  it("stops api and worker within their grace periods: drain (SHUTDOWN_GRACE_MS) plus closing pools", () => {
    const seconds = (d: string) => Number(/^(\d+)s$/.exec(d)?.[1] ?? Number(/^(\d+)m$/.exec(d)?.[1]) * 60);
    for (const mode of ["api", "worker"] as const) {
      const drainMs = shutdownGraceMs(containerEnv(mode));
      expect(drainMs + CLOSE_POOLS_MS, mode).toBeLessThan(seconds(services[mode].stop_grace_period) * 1000);
    }
    // Steps run longer than requests: the worker gets the longer drain.
    expect(shutdownGraceMs(containerEnv("worker"))).toBeGreaterThan(shutdownGraceMs(containerEnv("api")));
  });

  it("declares every named volume it mounts", () => {
    for (const [name, service] of Object.entries(services))
      for (const v of (service.volumes ?? []) as string[])
        expect(Object.keys(compose.volumes), `${name}: ${v}`).toContain(v.split(":")[0]);
  });
});

/** Railway watch patterns: gitignore-style (a pattern without a slash matches at any depth, a
 * directory match covers its contents), the last matching pattern wins, `!` negates. */
function watched(patterns: string[], path: string): boolean {
  let hit = false;
  for (const p of patterns) {
    const negated = p.startsWith("!");
    const glob = (negated ? p.slice(1) : p).replace(/^\//, "");
    const body = glob
      .split(/(\*\*\/|\*\*|\*)/)
      .map((part) =>
        part === "**/"
          ? "(.*/)?"
          : part === "**"
            ? ".*"
            : part === "*"
              ? "[^/]*"
              : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"),
      )
      .join("");
    const anchored = glob.replace(/\/$/, "").includes("/");
    if (new RegExp(`^${anchored ? "" : "(.*/)?"}${body}(/.*)?$`).test(path)) hit = !negated;
  }
  return hit;
}

describe("railway.toml and railway.worker.toml", () => {
  const api = parseToml(read("railway.toml")) as Doc;
  const worker = parseToml(read("railway.worker.toml")) as Doc;

  it("deploys the api: Dockerfile build, migrate before deploy, start, health check, restart on failure ×3", () => {
    expect(api.build).toMatchObject({ builder: "DOCKERFILE", dockerfilePath: "Dockerfile" });
    expect(api.deploy).toEqual({
      preDeployCommand: [commandLine("migrate")],
      startCommand: commandLine("api"),
      healthcheckPath: "/v1/health",
      healthcheckTimeout: 120,
      restartPolicyType: "ON_FAILURE",
      restartPolicyMaxRetries: 3,
      drainingSeconds: api.deploy.drainingSeconds,
    });
  });

  it("deploys the worker from the same Dockerfile: worker start, no health check, restart on failure ×5", () => {
    expect(worker.build).toMatchObject({ builder: "DOCKERFILE", dockerfilePath: "Dockerfile" });
    expect(worker.deploy).toEqual({
      preDeployCommand: [commandLine("migrate")],
      startCommand: commandLine("worker"),
      restartPolicyType: "ON_FAILURE",
      restartPolicyMaxRetries: 5,
      drainingSeconds: worker.deploy.drainingSeconds,
    });
  });

  it("gives both services time to drain before SIGKILL (Railway's default is 3 s)", () => {
    const base = { ...OPERATOR_SECRETS, DATABASE_URL: "postgres://x@db/x", REDIS_URL: "redis://redis:6379" };
    const apiDrain = shutdownGraceMs({ ...base, NODE_ENV: "production" });
    expect((apiDrain + CLOSE_POOLS_MS) / 1000).toBeLessThanOrEqual(api.deploy.drainingSeconds);
    // The worker service sets SHUTDOWN_GRACE_MS=110000 (README); Railway's file cannot hold variables.
    expect((110_000 + CLOSE_POOLS_MS) / 1000).toBeLessThanOrEqual(worker.deploy.drainingSeconds);
    expect(read("README.md")).toContain("SHUTDOWN_GRACE_MS=110000");
  });

  it("redeploys the worker whenever the api redeploys, and on more; docs redeploy neither", () => {
    const samples = [
      "apps/api/src/journeys/welcome.ts",
      "packages/engine/src/env.ts",
      "migrations/0001_init.sql",
      "Dockerfile",
      "pnpm-lock.yaml",
      "README.md",
      "packages/engine/README.md",
      "deploy/k8s/api-deployment.yaml",
      "apps/studio/src/main.tsx",
    ];
    for (const path of samples)
      if (watched(api.build.watchPatterns, path))
        expect(watched(worker.build.watchPatterns, path), path).toBe(true);
    expect(watched(api.build.watchPatterns, "packages/engine/src/env.ts")).toBe(true);
    expect(watched(worker.build.watchPatterns, "apps/studio/src/main.tsx")).toBe(true);
    expect(watched(api.build.watchPatterns, "apps/studio/src/main.tsx")).toBe(false);
    for (const doc of ["README.md", "packages/engine/README.md", "deploy/k8s/api-deployment.yaml"]) {
      expect(watched(api.build.watchPatterns, doc), doc).toBe(false);
      expect(watched(worker.build.watchPatterns, doc), doc).toBe(false);
    }
  });
});

describe("deploy/k8s", () => {
  const dir = "deploy/k8s";
  const kustomization = yamlFile(`${dir}/kustomization.yaml`);
  const resources = kustomization.resources as string[];
  const docs: Doc[] = resources.flatMap((file) =>
    parseAllDocuments(read(`${dir}/${file}`)).map((d) => {
      expect(d.errors, file).toEqual([]);
      return d.toJS();
    }),
  );
  const find = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);
  const job = find("Job", "hogsend-migrate");
  const api = find("Deployment", "hogsend-api");
  const worker = find("Deployment", "hogsend-worker");
  const podSpecs = [job.spec.template.spec, api.spec.template.spec, worker.spec.template.spec];
  const allContainers: Doc[] = podSpecs.flatMap((s) => [...(s.initContainers ?? []), ...s.containers]);

  it("lists every manifest in the kustomization, and builds the Secret from a git-ignored file", () => {
    const manifests = readdirSync(join(root, dir)).filter(
      (f) => f.endsWith(".yaml") && f !== "kustomization.yaml",
    );
    expect([...resources].sort()).toEqual(manifests.sort());
    expect(kustomization.secretGenerator).toEqual([{ name: "hogsend-secrets", envs: ["secrets.env"] }]);
    expect(existsSync(join(root, dir, "secrets.env.example"))).toBe(true);
    expect(read(`${dir}/.gitignore`).split("\n")).toContain("secrets.env");
    expect(docs.map((d) => d.kind).sort()).toEqual([
      "ConfigMap",
      "Deployment",
      "Deployment",
      "Job",
      "Namespace",
      "PodDisruptionBudget",
      "Service",
    ]);
  });

  it("runs the migrate Job, the api and the worker with the commands of deploy/run-modes.json", () => {
    expect(job.spec.template.spec.containers[0].command).toEqual(runModes.migrate);
    expect(["Never", "OnFailure"]).toContain(job.spec.template.spec.restartPolicy);
    expect(job.spec.backoffLimit).toBeGreaterThanOrEqual(1);
    expect(api.spec.template.spec.containers[0].command).toEqual(runModes.api);
    expect(worker.spec.template.spec.containers[0].command).toEqual(runModes.worker);
  });

  it("orders api and worker after the migration with a wait-for-schema initContainer", () => {
    for (const spec of [api.spec.template.spec, worker.spec.template.spec]) {
      const [init] = spec.initContainers;
      expect(init.command.slice(0, 2)).toEqual(["tsx", "packages/db/src/wait-for-schema.ts"]);
      expect(existsSync(join(root, init.command[1]))).toBe(true);
    }
  });

  it("runs one image everywhere, set once by the kustomization", () => {
    const images = new Set(allContainers.map((c) => c.image));
    expect([...images]).toEqual(["hogsend"]);
    expect(kustomization.images.map((i: Doc) => i.name)).toEqual(["hogsend"]);
  });

  it("feeds every container from the ConfigMap and the Secret, with requests, limits and no root", () => {
    for (const c of allContainers) {
      expect(c.envFrom, c.name).toEqual([
        { configMapRef: { name: "hogsend-config" } },
        { secretRef: { name: "hogsend-secrets" } },
      ]);
      for (const k of ["requests", "limits"])
        expect(Object.keys(c.resources[k]).sort(), c.name).toEqual(["cpu", "memory"]);
      expect(c.securityContext.allowPrivilegeEscalation, c.name).toBe(false);
    }
    for (const spec of podSpecs) expect(spec.securityContext.runAsNonRoot).toBe(true);
  });

  it("serves the api on 3002 behind a Service, ready only while /v1/health answers 200", () => {
    const container = api.spec.template.spec.containers[0];
    expect(container.ports).toEqual([{ name: "http", containerPort: 3002 }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: "/v1/health", port: "http" });
    const service = find("Service", "hogsend-api");
    expect(service.spec.selector).toEqual(api.spec.selector.matchLabels);
    expect(service.spec.ports[0].targetPort).toBe("http");
    expect(find("ConfigMap", "hogsend-config").data.PORT).toBe("3002");
  });

  it("restarts an api that stopped answering, never one waiting for a migration or a dependency", () => {
    // /v1/health/live touches no dependency (health.int.test.ts): only a process that stopped
    // serving HTTP fails it, never one behind on migrations or cut off from Postgres.
    const liveness = api.spec.template.spec.containers[0].livenessProbe;
    expect(liveness.httpGet).toEqual({ path: "/v1/health/live", port: "http" });
    expect(liveness.exec).toBeUndefined();
  });

  it("runs the worker without ports, and stops api and worker within their grace periods", () => {
    const config = find("ConfigMap", "hogsend-config").data as Record<string, string>;
    const filled = { ...config, ...envFile(`${dir}/secrets.env.example`), ...OPERATOR_SECRETS };
    const envOf = (d: Doc): Record<string, string> => ({
      ...filled,
      ...Object.fromEntries(
        ((d.spec.template.spec.containers[0].env ?? []) as Doc[]).map((e) => [e.name, e.value]),
      ),
    });
    expect(worker.spec.template.spec.containers[0].ports).toBeUndefined();
    const preStopS = Number(api.spec.template.spec.containers[0].lifecycle.preStop.exec.command[1]);
    expect(preStopS + (shutdownGraceMs(envOf(api)) + CLOSE_POOLS_MS) / 1000).toBeLessThan(
      api.spec.template.spec.terminationGracePeriodSeconds,
    );
    expect((shutdownGraceMs(envOf(worker)) + CLOSE_POOLS_MS) / 1000).toBeLessThan(
      worker.spec.template.spec.terminationGracePeriodSeconds,
    );
    expect(shutdownGraceMs(envOf(worker))).toBeGreaterThan(shutdownGraceMs(envOf(api)));
  });

  it("keeps secrets out of the ConfigMap; the example Secret is refused as is and valid once filled in", () => {
    const config = find("ConfigMap", "hogsend-config").data as Record<string, string>;
    for (const key of Object.keys(config)) expect(key).not.toMatch(SECRET_KEY);
    const example = envFile(`${dir}/secrets.env.example`);
    for (const key of ["DATABASE_URL", "REDIS_URL", "BETTER_AUTH_SECRET", "HATCHET_CLIENT_TOKEN"])
      expect(Object.keys(example)).toContain(key);

    const asIs = readEnv({ ...config, ...example });
    expect(asIs.ok).toBe(false);
    if (!asIs.ok)
      expect(asIs.issues.map((i) => i.key)).toEqual(expect.arrayContaining(["BETTER_AUTH_SECRET"]));

    const filled = readEnv({ ...config, ...example, ...OPERATOR_SECRETS });
    expect(filled.ok ? [] : filled.issues).toEqual([]);
  });
});

describe("hatchet.yaml (`hatchet worker dev`)", () => {
  const { dev } = yamlFile("hatchet.yaml") as Doc;

  it("runs the worker run mode from source after migrating, reloading on source changes", () => {
    const config = tsupConfig as { entry: Record<string, string> };
    expect(dev.runCmd).toBe(`pnpm exec tsx --env-file=.env apps/api/${config.entry.worker}`);
    expect(dev.preCmds).toEqual([`pnpm exec tsx --env-file=.env ${runModes.migrate[1]}`]);
    expect(dev.reload).toBe(true);
    expect(dev.files).toEqual(expect.arrayContaining(["apps/api/src/**/*.ts", "!**/node_modules/**"]));
  });
});
