/**
 * Static files go out precompressed: the build writes `.br`/`.gz` beside each asset
 * (scripts/precompress-plugin.ts) and the server picks one by Accept-Encoding, with
 * `Vary: Accept-Encoding` and long-cache headers on fingerprinted assets.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { precompressDir } from "../scripts/precompress-plugin.js";
import { acceptedEncodings, startFlowtuneServer, type RunningServer } from "./http.js";
import { createAppServices, type AppServices } from "./services/app.js";

let dir: string;
let services: AppServices;
let server: RunningServer;
const BIG = `export const words = ${JSON.stringify(Array.from({ length: 4000 }, (_, i) => `word-${i % 97}`))};\n`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-gz-"));
  const staticDir = path.join(dir, "static");
  mkdirSync(path.join(staticDir, "assets"), { recursive: true });
  writeFileSync(path.join(staticDir, "index.html"), "<!doctype html><title>t</title>");
  writeFileSync(path.join(staticDir, "assets", "big-abc.js"), BIG);
  writeFileSync(path.join(staticDir, "assets", "tiny-abc.js"), "1");
  precompressDir(staticDir);
  services = await createAppServices({ databaseUrl: `file:${path.join(dir, "x.db")}`, seedExamples: false });
  server = await startFlowtuneServer({ services, host: "127.0.0.1", port: 0, staticDir });
});

afterAll(async () => {
  await server?.close(100);
  await services?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A raw GET (fetch would negotiate and decompress by itself). */
function get(pathname: string, acceptEncoding?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${server.url}${pathname}`, { headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
  });
}

describe("precompressed static files", () => {
  it("sends brotli when accepted, with its own length, Vary and the immutable cache header", async () => {
    const r = await get("/assets/big-abc.js", "gzip, deflate, br");
    expect(r.headers["content-encoding"]).toBe("br");
    expect(Number(r.headers["content-length"])).toBe(r.body.length);
    expect(r.body.length).toBeLessThan(BIG.length / 4);
    expect(brotliDecompressSync(r.body).toString()).toBe(BIG);
    expect(r.headers.vary).toBe("Accept-Encoding");
    expect(r.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(r.headers["content-type"]).toMatch(/javascript/);
  });

  it("sends gzip to a client without brotli, and the plain file to one that accepts neither", async () => {
    const gz = await get("/assets/big-abc.js", "gzip");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).toString()).toBe(BIG);
    for (const ae of [undefined, "identity", "br;q=0, gzip;q=0", "deflate"]) {
      const plain = await get("/assets/big-abc.js", ae);
      expect(plain.headers["content-encoding"], String(ae)).toBeUndefined();
      expect(plain.body.toString()).toBe(BIG);
    }
  });

  it("a file too small to compress goes out as is; HEAD gives the length of what GET sends", async () => {
    const tiny = await get("/assets/tiny-abc.js", "br");
    expect(tiny.headers["content-encoding"]).toBeUndefined();
    expect(tiny.body.toString()).toBe("1");
    const head = await fetch(`${server.url}/assets/big-abc.js`, { method: "HEAD", headers: { "accept-encoding": "br" } });
    const got = await get("/assets/big-abc.js", "br");
    expect(head.headers.get("content-length")).toBe(String(got.body.length));
  });
});

describe("acceptedEncodings", () => {
  it("reads q-values, wildcards and junk", () => {
    expect(acceptedEncodings("br, gzip")).toEqual(["br", "gzip"]);
    expect(acceptedEncodings("gzip;q=0.5, br;q=0")).toEqual(["gzip"]);
    expect(acceptedEncodings("*")).toEqual(["br", "gzip"]);
    expect(acceptedEncodings("*;q=0, gzip")).toEqual(["gzip"]);
    expect(acceptedEncodings("BR")).toEqual(["br"]);
    expect(acceptedEncodings("br;q=abc")).toEqual([]);
    expect(acceptedEncodings(undefined)).toEqual([]);
    expect(acceptedEncodings(",,;;q=,")).toEqual([]);
    expect(acceptedEncodings(`${"x,".repeat(100_000)}br`)).toEqual([]);
  });
});
