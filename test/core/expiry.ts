// Expiry maths: a token with expiry date D stops working at 00:00
// UTC on D; durations count from today (UTC) and land on 00:00 UTC.
import t from 'tap'
import { countFrom, daysLeft, parseExpires } from '../../src/core/expiry.js'

const NOW = new Date('2026-06-15T15:30:00Z')

t.test('parseExpires: dates', async t => {
  const cases: Array<[string, string]> = [
    ['2027-01-31', '2027-01-31T00:00:00.000Z'],
    ['2026-06-15', '2026-06-15T00:00:00.000Z'],
    ['2028-02-29', '2028-02-29T00:00:00.000Z'],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ['2026-12-31', '2026-12-31T00:00:00.000Z'],
    ['  2027-01-31\n', '2027-01-31T00:00:00.000Z'],
    ['2020-01-01', '2020-01-01T00:00:00.000Z'],
  ]
  for (const [input, want] of cases) t.equal(parseExpires(input, NOW), want, JSON.stringify(input))
})

t.test('parseExpires: durations from today, at 00:00 UTC', async t => {
  const cases: Array<[string, string, string]> = [
    ['90d', '2026-06-15T15:30:00Z', '2026-09-13T00:00:00.000Z'],
    ['1d', '2026-06-15T23:59:59Z', '2026-06-16T00:00:00.000Z'],
    ['1d', '2026-06-15T00:00:00Z', '2026-06-16T00:00:00.000Z'],
    ['7d', '2026-12-28T10:00:00Z', '2027-01-04T00:00:00.000Z'],
    ['365d', '2027-03-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['12w', '2026-06-15T15:30:00Z', '2026-09-07T00:00:00.000Z'],
    ['1w', '2026-02-25T12:00:00Z', '2026-03-04T00:00:00.000Z'],
    ['6m', '2026-06-15T15:30:00Z', '2026-12-15T00:00:00.000Z'],
    ['6m', '2026-08-31T12:00:00Z', '2027-02-28T00:00:00.000Z'],
    ['1m', '2027-01-31T12:00:00Z', '2027-02-28T00:00:00.000Z'],
    ['1m', '2028-01-31T12:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['1m', '2026-12-15T00:00:00Z', '2027-01-15T00:00:00.000Z'],
    ['18m', '2026-06-15T15:30:00Z', '2027-12-15T00:00:00.000Z'],
    ['1y', '2026-06-15T15:30:00Z', '2027-06-15T00:00:00.000Z'],
    ['1y', '2028-02-29T01:00:00Z', '2029-02-28T00:00:00.000Z'],
    ['4y', '2028-02-29T01:00:00Z', '2032-02-29T00:00:00.000Z'],
    ['90D', '2026-06-15T15:30:00Z', '2026-09-13T00:00:00.000Z'],
    ['2 w', '2026-06-15T15:30:00Z', '2026-06-29T00:00:00.000Z'],
  ]
  for (const [input, now, want] of cases) t.equal(parseExpires(input, new Date(now)), want, `${input} from ${now}`)
})

t.test('parseExpires: durations do not depend on the local time zone', async t => {
  const saved = process.env.TZ
  t.teardown(() => {
    if (saved === undefined) delete process.env.TZ
    else process.env.TZ = saved
  })
  const cases: Array<[string, string, string]> = [
    ['1m', '2027-01-31T12:00:00Z', '2027-02-28T00:00:00.000Z'],
    ['1y', '2028-02-29T01:00:00Z', '2029-02-28T00:00:00.000Z'],
    ['90d', '2026-03-01T12:00:00Z', '2026-05-30T00:00:00.000Z'], // across a DST change
    ['30d', '2026-10-15T23:00:00Z', '2026-11-14T00:00:00.000Z'],
    ['1d', '2026-03-07T23:30:00Z', '2026-03-08T00:00:00.000Z'],
  ]
  for (const tz of ['UTC', 'America/New_York', 'Pacific/Pago_Pago', 'Asia/Tokyo', 'Pacific/Kiritimati', 'Australia/Lord_Howe']) {
    process.env.TZ = tz
    for (const [input, now, want] of cases) t.equal(parseExpires(input, new Date(now)), want, `TZ=${tz}: ${input} from ${now}`)
    t.equal(parseExpires('2027-01-31', NOW), '2027-01-31T00:00:00.000Z', `TZ=${tz}: a date`)
  }
})

t.test('parseExpires: empty, never and unknown mean no expiry', async t => {
  for (const s of ['', '   ', 'never', 'unknown']) t.equal(parseExpires(s, NOW), null, JSON.stringify(s))
})

t.test('parseExpires: refuses what is not a date or a duration', async t => {
  const bad: Array<[string, RegExp]> = [
    ['2027-02-30', /not a real date/],
    ['2027-02-29', /not a real date/],
    ['2100-02-29', /not a real date/],
    ['2027-13-01', /not a real date/],
    ['2027-00-10', /not a real date/],
    ['2027-04-31', /not a real date/],
    ['2027-01-00', /not a real date/],
    ['0099-01-01', /not a real date/],
    ['2027-1-31', /takes a date/],
    ['27-01-31', /takes a date/],
    ['2027/01/31', /takes a date/],
    ['31.01.2027', /takes a date/],
    ['2027-01-31T00:00:00Z', /takes a date/],
    ['tomorrow', /takes a date/],
    ['90', /takes a date/],
    ['d', /takes a date/],
    ['90x', /takes a date/],
    ['90days', /takes a date/],
    ['-5d', /takes a date/],
    ['1.5y', /takes a date/],
    ['12345d', /takes a date/],
    ['1y6m', /takes a date/],
    ['NaNd', /takes a date/],
  ]
  for (const [input, msg] of bad) {
    t.throws(() => parseExpires(input, NOW), { name: 'PatError', code: 'INPUT', message: msg }, JSON.stringify(input))
  }
})

t.test('daysLeft: whole days, rounded down, negative once expired', async t => {
  const cases: Array<[string, string, number]> = [
    ['2026-06-25T00:00:00.000Z', '2026-06-15T00:00:00Z', 10],
    ['2026-06-25T00:00:00.000Z', '2026-06-15T15:30:00Z', 9],
    ['2026-06-16T00:00:00.000Z', '2026-06-15T00:00:01Z', 0],
    ['2026-06-16T00:00:00.000Z', '2026-06-15T23:59:59Z', 0],
    ['2026-06-16T00:00:00.000Z', '2026-06-16T00:00:00Z', 0],
    ['2026-06-16T00:00:00.000Z', '2026-06-16T00:00:01Z', -1],
    ['2026-06-16T00:00:00.000Z', '2026-06-18T12:00:00Z', -3],
    ['2027-06-15T00:00:00.000Z', '2026-06-15T00:00:00Z', 365],
  ]
  for (const [expires, now, want] of cases) t.equal(daysLeft(expires, new Date(now)), want, `${expires} at ${now}`)
  t.equal(daysLeft(parseExpires('90d', NOW)!, NOW), 89, '90d from mid-day leaves 89 whole days')
  t.equal(daysLeft(parseExpires('2026-06-22', NOW)!, NOW), 6)
})

t.test('countFrom: calendar days to an expiry date, so --expires 3d is "3 days" all day', async t => {
  const days = (expires: string, now: string) => daysLeft(expires, countFrom(expires, new Date(now)))
  t.equal(days(parseExpires('3d', new Date('2026-06-15T15:30:00Z'))!, '2026-06-15T15:30:00Z'), 3, 'added mid-afternoon')
  t.equal(days(parseExpires('3d', new Date('2026-06-15T23:59:00Z'))!, '2026-06-15T23:59:00Z'), 3, 'and a minute before midnight')
  t.equal(days('2026-06-25T00:00:00.000Z', '2026-06-15T15:30:00Z'), 10)
  t.equal(countFrom('2026-06-16T00:00:00.000Z', new Date('2026-06-15T15:30:00Z')).toISOString(), '2026-06-15T15:30:00.000Z', 'the last day counts from now')
  t.equal(countFrom('2026-06-25T13:45:00.000Z', new Date('2026-06-15T15:30:00Z')).toISOString(), '2026-06-15T15:30:00.000Z', 'a time of day counts from now')
})
