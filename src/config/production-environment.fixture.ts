/** A complete, valid production environment for configuration tests. */
export const PRODUCTION_ENVIRONMENT: Readonly<Record<string, string>> = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://db.internal:27017/tools-sync',
  JWT_ACCESS_SECRET: 'kT9v2LqXw8Rz4Ny6Bm1Hc3Jd5Fg7Ps0Ua8Ve2Wi4Xo6Yq',
  SMTP_HOST: 'smtp.internal',
  SMTP_FROM: 'Tools Sync <no-reply@example.com>',
  CORS_ORIGIN: 'https://tools.example.com',
  FRONTEND_URL: 'https://tools.example.com',
};
