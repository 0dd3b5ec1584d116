// `express4` is Express 4 installed under an alias for the tests; it has no types of its own.
// Express 5's types describe the surface the tests use.
declare module 'express4' {
  import express = require('express');
  export = express;
}
