-- A case-management system's own tables (schema hoso), as a province might have them:
-- Vietnamese names, its own codes, a person's national identity number kept beside a
-- pseudonymous file number, a timestamp for the test, numeric populations.
CREATE SCHEMA hoso;
CREATE TABLE hoso.don_vi (
    ma text PRIMARY KEY, ten text NOT NULL, cap text NOT NULL, ma_cha text,
    dan_so numeric, hieu_luc_tu date, hieu_luc_den date
);
CREATE TABLE hoso.doi_tuong (
    so_ho_so text PRIMARY KEY, so_cccd text NOT NULL, ho_ten text NOT NULL,
    loai text NOT NULL, ngay_lap_ho_so date NOT NULL, ngay_ket_thuc date
);
CREATE TABLE hoso.cu_tru (
    so_ho_so text REFERENCES hoso.doi_tuong, ma_don_vi text REFERENCES hoso.don_vi,
    tu_ngay date NOT NULL, den_ngay date
);
CREATE TABLE hoso.xet_nghiem (
    so_ho_so text REFERENCES hoso.doi_tuong, thoi_diem timestamp NOT NULL,
    duong_tinh boolean NOT NULL
);
INSERT INTO hoso.don_vi VALUES
    ('98', 'Tỉnh Ví Dụ', 'province', NULL, 1200000, NULL, NULL),
    ('98001', 'Xã An Bình', 'commune', '98', 9200, '2025-07-01', NULL),
    ('98002', 'Phường Hòa Lạc', 'ward', '98', 21500, '2025-07-01', NULL);
INSERT INTO hoso.doi_tuong VALUES
    ('HS-0001', '001234567890', 'Nguyễn Văn A', 'nghien', '2023-02-01', NULL),
    ('HS-0002', '001234567891', 'Trần Thị B', 'su_dung', '2025-03-10', NULL);
INSERT INTO hoso.cu_tru VALUES
    ('HS-0001', '98001', '2020-01-01', NULL),
    ('HS-0002', '98002', '2021-06-15', NULL);
INSERT INTO hoso.xet_nghiem VALUES
    ('HS-0001', '2025-08-20 09:30', false),
    ('HS-0002', '2025-09-02 14:00', true);

-- The views drugfree-core reads: one per dataset table, named and typed as the dataset
-- format says, in a schema of their own. Only pseudonymous ids leave the case system:
-- so_cccd and ho_ten are not selected.
CREATE SCHEMA drugfree;
CREATE VIEW drugfree.units AS
    SELECT ma AS code, ten AS name, cap AS kind, ma_cha AS parent_code,
           dan_so::bigint AS resident_population, hieu_luc_tu AS valid_from,
           hieu_luc_den AS valid_to
    FROM hoso.don_vi;
CREATE VIEW drugfree.subjects AS
    SELECT so_ho_so AS id FROM hoso.doi_tuong;
CREATE VIEW drugfree.status_periods AS
    SELECT so_ho_so AS subject_id,
           CASE loai WHEN 'nghien' THEN 'addict' WHEN 'su_dung' THEN 'illegal_user' END AS kind,
           ngay_lap_ho_so AS start, ngay_ket_thuc AS "end",
           true AS has_management_record, ngay_lap_ho_so AS management_start
    FROM hoso.doi_tuong;
CREATE VIEW drugfree.residences AS
    SELECT so_ho_so AS subject_id, ma_don_vi AS unit_code, tu_ngay AS start, den_ngay AS "end"
    FROM hoso.cu_tru;
CREATE VIEW drugfree.drug_tests AS
    SELECT so_ho_so AS subject_id, thoi_diem::date AS date,
           CASE WHEN duong_tinh THEN 'positive' ELSE 'negative' END AS result
    FROM hoso.xet_nghiem;
