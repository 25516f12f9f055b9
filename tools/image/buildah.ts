/** What the image tools ask of buildah (or Docker): which engine answers, and image sizes. */
import { hasCommand, run, runToExit } from "@hogsend/devstack/process";

export type Engine = "docker" | "buildah";

/** Docker when an engine answers `docker info`; else buildah when installed. */
export async function pickEngine(): Promise<Engine> {
  if ((await hasCommand("docker")) && (await runToExit("docker", ["info"], { timeoutMs: 10_000 })).code === 0)
    return "docker";
  if (await hasCommand("buildah")) return "buildah";
  throw new Error(
    "no Docker engine answers and buildah is not installed: apt-get install buildah (it builds daemonless)",
  );
}

/** Whether buildah's storage holds `image`. */
export async function imageExists(image: string): Promise<boolean> {
  const result = await runToExit("buildah", ["images", "--quiet", "--noheading", image], {
    timeoutMs: 30_000,
  });
  return result.code === 0 && result.output.trim() !== "";
}

interface ImageLayers {
  /** Uncompressed layer sizes by diff id, in order. */
  layers: { diffId: string; bytes: number }[];
}

async function layersOf(image: string): Promise<ImageLayers> {
  const { stdout } = await run("buildah", ["inspect", "--type", "image", image]);
  const info = JSON.parse(stdout) as { Manifest: string; OCIv1: { rootfs: { diff_ids: string[] } } };
  const manifest = JSON.parse(info.Manifest) as { layers: { size: number }[] };
  return {
    layers: info.OCIv1.rootfs.diff_ids.map((diffId, i) => ({ diffId, bytes: manifest.layers[i]?.size ?? 0 })),
  };
}

/** The image's size, and what its own layers add above `base`. */
export async function imageSizes(
  image: string,
  base: string,
): Promise<{ totalMb: number; aboveBaseMb: number }> {
  const [own, under] = await Promise.all([layersOf(image), layersOf(base)]);
  const inBase = new Set(under.layers.map((l) => l.diffId));
  const sum = (layers: { bytes: number }[]) => layers.reduce((n, l) => n + l.bytes, 0) / 1e6;
  return { totalMb: sum(own.layers), aboveBaseMb: sum(own.layers.filter((l) => !inBase.has(l.diffId))) };
}
