import { libraryBuild } from '../../tsup.base';

export default libraryBuild(['src/index.ts', 'src/adapter.ts', 'src/fetch.ts']);
