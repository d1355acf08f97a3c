"""The TypeScript SDK target: an npm project with a fetch-based, dependency-free client (docs/typescript.md)."""
