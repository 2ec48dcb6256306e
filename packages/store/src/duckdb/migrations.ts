// Schema migrations, applied in order at start-up; each runs once, inside a transaction. Never edit an applied one:
// append a new version (docs/storage.md lists the resulting schema).

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
  {
    version: 2,
    description:
      'users own tokens; subject clinicians, device mounting; samples without a primary key; nights, mornings, stiffness reports, audit log, dead letters',
    sql: `
      CREATE TABLE users (
        id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, role VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
        disabled_at TIMESTAMP);
      -- A v1 token carried its own name and role: each becomes a user of its own.
      INSERT INTO users SELECT 'token-' || substr(token_hash, 1, 16), name, role, created_at, NULL FROM api_tokens;
      CREATE TABLE api_tokens_v2 (
        token_hash VARCHAR PRIMARY KEY, user_id VARCHAR NOT NULL, label VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
        revoked_at TIMESTAMP);
      INSERT INTO api_tokens_v2
        SELECT token_hash, 'token-' || substr(token_hash, 1, 16), name, created_at, revoked_at FROM api_tokens;
      DROP TABLE api_tokens;
      ALTER TABLE api_tokens_v2 RENAME TO api_tokens;

      ALTER TABLE subjects ADD COLUMN clinician_ids VARCHAR[] DEFAULT [];
      ALTER TABLE devices ADD COLUMN mounting JSON;

      -- The (device_id, t) primary key index grew with the table and slowed inserts fivefold at 20 M rows;
      -- writes now replace samples by an anti-join over the written time window (docs/storage.md).
      CREATE TABLE samples_v2 (
        device_id VARCHAR NOT NULL, t TIMESTAMP NOT NULL, ax REAL NOT NULL, ay REAL NOT NULL, az REAL NOT NULL,
        gx REAL, gy REAL, gz REAL);
      INSERT INTO samples_v2 SELECT * FROM samples ORDER BY t, device_id;
      DROP TABLE samples;
      ALTER TABLE samples_v2 RENAME TO samples;

      CREATE TABLE nights (
        subject_id VARCHAR NOT NULL, date DATE NOT NULL, algorithm VARCHAR NOT NULL, start_at TIMESTAMP NOT NULL,
        end_at TIMESTAMP NOT NULL, computed_at TIMESTAMP NOT NULL, detail JSON NOT NULL,
        PRIMARY KEY (subject_id, date, algorithm));
      CREATE TABLE night_metrics (
        subject_id VARCHAR NOT NULL, date DATE NOT NULL, algorithm VARCHAR NOT NULL, metric VARCHAR NOT NULL,
        value DOUBLE);
      CREATE TABLE mornings (
        subject_id VARCHAR NOT NULL, date DATE NOT NULL, algorithm VARCHAR NOT NULL, start_at TIMESTAMP NOT NULL,
        end_at TIMESTAMP NOT NULL, computed_at TIMESTAMP NOT NULL, detail JSON NOT NULL,
        PRIMARY KEY (subject_id, date, algorithm));
      CREATE TABLE morning_metrics (
        subject_id VARCHAR NOT NULL, date DATE NOT NULL, algorithm VARCHAR NOT NULL, metric VARCHAR NOT NULL,
        value DOUBLE);

      CREATE TABLE stiffness_reports (
        subject_id VARCHAR NOT NULL, date DATE NOT NULL, severity DOUBLE NOT NULL, duration_min DOUBLE NOT NULL,
        pain DOUBLE, note VARCHAR, red_flag_night_pain BOOLEAN, red_flag_neurological BOOLEAN,
        red_flag_weight_loss BOOLEAN, red_flag_fever BOOLEAN, source VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL, PRIMARY KEY (subject_id, date));

      CREATE SEQUENCE audit_seq;
      CREATE TABLE audit_log (
        seq BIGINT NOT NULL DEFAULT nextval('audit_seq'), occurred_at TIMESTAMP NOT NULL, actor VARCHAR NOT NULL,
        action VARCHAR NOT NULL, subject_id VARCHAR, detail JSON NOT NULL);

      CREATE SEQUENCE dead_letter_seq;
      CREATE TABLE dead_letters (
        seq BIGINT NOT NULL DEFAULT nextval('dead_letter_seq'), received_at TIMESTAMP NOT NULL, device_id VARCHAR,
        topic VARCHAR NOT NULL, code VARCHAR NOT NULL, reason VARCHAR NOT NULL, payload BLOB NOT NULL);
    `,
  },
];
