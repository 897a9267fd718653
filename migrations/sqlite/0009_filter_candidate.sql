-- Filter changes offered to admins rather than applied: the shipped word lists of a newer
-- release, for a database whose admins changed the filter (a database nobody changed gets
-- them as a new version directly, recorded here as applied). Each holds a proposal (the
-- JSON the test box and back-test take); promoting one applies it as a new version.
create table filter_candidate (
    candidate_id  integer primary key autoincrement,
    created_at    bigint  not null,
    -- 'shipped': the lists and settings of a newer release.
    source        text    not null,
    -- What it holds, so the same upgrade is offered once however often the service starts.
    fingerprint   text    not null unique,
    -- The live version it was made against.
    base_version  bigint  not null,
    summary       text    not null,
    proposal      text    not null,
    -- open | promoted | dismissed | applied (by the service, to an unchanged filter)
    status        text    not null,
    decided_at    bigint,
    decided_by    text,
    -- The filter version its promotion made.
    version       bigint
);
