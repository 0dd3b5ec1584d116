// Koa 2 is installed under the alias `koa2` to test both majors; @types/koa describes both.
declare module 'koa2' {
  import Koa = require('koa');
  export = Koa;
}
