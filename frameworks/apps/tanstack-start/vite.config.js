import { tanstackStart } from '@tanstack/react-start/plugin/vite';
import viteReact from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({ plugins: [tanstackStart({ target: 'node-server', customViteReactPlugin: true }), viteReact()] });
