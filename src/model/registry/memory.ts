import type { ModelArtifacts, ModelFiles, PublishedModel } from "./interface";

/** Model versions in this isolate (BACKENDS=memory, tests): the same semantics as R2, versions immutable. */
export class MemoryModelArtifacts implements ModelArtifacts {
  readonly kind = "memory" as const;
  private readonly versions = new Map<string, { files: ModelFiles; meta: PublishedModel }>();

  async put(version: string, files: ModelFiles, meta: PublishedModel): Promise<boolean> {
    if (this.versions.has(version)) return false;
    this.versions.set(version, { files, meta });
    return true;
  }

  async get(version: string): Promise<ModelFiles | undefined> {
    return this.versions.get(version)?.files;
  }

  async has(version: string): Promise<boolean> {
    return this.versions.has(version);
  }

  async list(): Promise<PublishedModel[]> {
    return [...this.versions.values()].map((v) => v.meta);
  }
}
