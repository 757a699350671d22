// The `node` devDependency carries a Node 24 binary for machines whose Node is older than
// the project supports. Where pnpm itself already runs on a supported Node, its download
// step is dropped, so no second runtime is fetched and scripts use the Node at hand.
const [major, minor] = process.versions.node.split('.').map(Number)
const supported = major > 22 || (major === 22 && minor >= 12)

module.exports = {
  hooks: {
    readPackage(pkg) {
      if (supported && pkg.name === 'node' && pkg.scripts?.preinstall) {
        delete pkg.scripts.preinstall
      }
      return pkg
    },
  },
}
