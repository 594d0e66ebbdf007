import { Injectable } from '@nestjs/common';

/**
 * The current time for work that decides by the calendar (housekeeping). A provider of its own,
 * so a test can move it forward past lifetimes and retention periods without faking timers:
 * requests, tokens and SQL `now()` keep the real time.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
