import type { Config } from 'tailwindcss'

export default {
  content: ['./app/**/*.{ts,tsx}'],
  theme: {
    extend: {
      colors: {
        // Brand palette from DESIGN.md
        indigo: { brand: '#1B1F3B' },
        violet: { brand: '#6C63FF' },
        mint: { brand: '#4ADEB5' },
        paper: '#F6F6F7',
      },
      fontFamily: {
        serif: ['"Iowan Old Style"', 'Georgia', 'Cambria', '"Times New Roman"', 'serif'],
        sans: ['Inter', 'system-ui', '-apple-system', '"Segoe UI"', 'Roboto', 'sans-serif'],
      },
    },
  },
  plugins: [],
} satisfies Config
