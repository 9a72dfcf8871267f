// The layers below Run, re-exported: an application (and the CLI) writes `import LifeboatKit` and
// sees the whole library API; the engines import only `LifeboatCore`.
@_exported import LifeboatCatalog
@_exported import LifeboatCore
@_exported import LifeboatSnapshots
