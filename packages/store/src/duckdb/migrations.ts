// Schema migrations, applied in order at start-up; each runs once, inside a transaction.

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'registry, tokens, raw samples, posture epochs',
    sql: `
      CREATE TABLE subjects (
        id VARCHAR PRIMARY KEY, study_code VARCHAR NOT NULL UNIQUE, cohort VARCHAR, display_name VARCHAR,
        created_at TIMESTAMP NOT NULL);
      CREATE TABLE devices (
        id VARCHAR PRIMARY KEY, secret_hash VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, revoked_at TIMESTAMP);
      CREATE TABLE assignments (
        device_id VARCHAR NOT NULL, subject_id VARCHAR NOT NULL, valid_from TIMESTAMP NOT NULL, valid_to TIMESTAMP,
        PRIMARY KEY (device_id, valid_from));
      CREATE TABLE api_tokens (
        token_hash VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, role VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
        revoked_at TIMESTAMP);
      CREATE TABLE samples (
        device_id VARCHAR NOT NULL, t TIMESTAMP NOT NULL, ax REAL NOT NULL, ay REAL NOT NULL, az REAL NOT NULL,
        gx REAL, gy REAL, gz REAL, PRIMARY KEY (device_id, t));
      CREATE TABLE posture_epochs (
        subject_id VARCHAR NOT NULL, device_id VARCHAR NOT NULL, start TIMESTAMP NOT NULL, duration_s DOUBLE NOT NULL,
        posture VARCHAR NOT NULL, confidence DOUBLE NOT NULL, sagittal_deg DOUBLE NOT NULL, frontal_deg DOUBLE NOT NULL,
        roll_deg DOUBLE NOT NULL, algorithm VARCHAR NOT NULL, PRIMARY KEY (subject_id, start, algorithm));
    `,
  },
];
