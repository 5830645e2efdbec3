import { describe, expect, it } from "vitest";
import { codeFromFragment, loginCodeFromLocation, parseCredential } from "./credential.js";

describe("parseCredential", () => {
  it("reads the code out of a full login link", () => {
    expect(parseCredential(" http://127.0.0.1:5175/login#code=ftl_abc123 \n")).toEqual({ code: "ftl_abc123" });
  });
  it("takes a bare login code as a code and anything else as a token", () => {
    expect(parseCredential("ftl_xyz")).toEqual({ code: "ftl_xyz" });
    expect(parseCredential("ft_secret")).toEqual({ token: "ft_secret" });
  });
  it("explains what is wrong with empty input or a link without a code", () => {
    expect(() => parseCredential("  ")).toThrow(/Paste an API token/);
    expect(() => parseCredential("http://127.0.0.1:5175/login")).toThrow(/no login code/);
    expect(() => parseCredential("ft_a b")).toThrow(/no spaces/);
  });
});

describe("login links", () => {
  it("finds the code only on /login", () => {
    expect(loginCodeFromLocation({ pathname: "/login", hash: "#code=ftl_1" })).toBe("ftl_1");
    expect(loginCodeFromLocation({ pathname: "/login/", hash: "#code=ftl_1" })).toBe("ftl_1");
    expect(loginCodeFromLocation({ pathname: "/", hash: "#code=ftl_1" })).toBeNull();
    expect(loginCodeFromLocation({ pathname: "/login", hash: "#qa" })).toBeNull();
    expect(codeFromFragment("code=ftl_2&x=1")).toBe("ftl_2");
  });
});
