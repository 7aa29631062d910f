import pkg from "../package.json";

export const SERVICE = { name: pkg.name, version: pkg.version, description: pkg.description } as const;
