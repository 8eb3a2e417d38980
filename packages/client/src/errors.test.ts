import { describe, expect, it } from 'vitest';
import {
  ApiError,
  InvalidArgumentError,
  MindzieError,
  NetworkError,
  NotFoundError,
  TimeoutError,
  UnauthorizedError,
} from './errors.js';

const request = { method: 'GET', path: '/api/t/p/actionexecution/e' };

describe('errors', () => {
  it('carry their class name, for logs and toString', () => {
    expect(String(new UnauthorizedError('Invalid token', { status: 401, body: 'Invalid token', request }))).toBe(
      'UnauthorizedError: Invalid token',
    );
    expect(new TimeoutError('slow').name).toBe('TimeoutError');
    expect(new InvalidArgumentError('actionId', 'bad').name).toBe('InvalidArgumentError');
  });

  it('serialise to JSON with the request and response facts, not the cause', () => {
    const error = new NotFoundError('Zip file not found', {
      status: 404,
      body: { error: 'Zip file not found' },
      request,
      reason: 'Zip file not found',
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'NotFoundError',
      message: 'Zip file not found',
      method: 'GET',
      path: request.path,
      status: 404,
      body: { error: 'Zip file not found' },
      retryAfterMs: undefined,
      reason: 'Zip file not found',
    });
    const network = new NetworkError('reset', { request, cause: new Error('ECONNRESET') });
    expect(network.cause).toBeInstanceOf(Error);
    expect(JSON.parse(JSON.stringify(network))).toEqual({
      name: 'NetworkError',
      message: 'reset',
      method: 'GET',
      path: request.path,
      notSent: false,
    });
    expect(new InvalidArgumentError('blockId', 'bad').toJSON()).toMatchObject({
      name: 'InvalidArgumentError',
      argument: 'blockId',
    });
  });

  it('are all MindzieErrors', () => {
    expect(new ApiError('x', { status: 418, body: '', request })).toBeInstanceOf(MindzieError);
    expect(new TimeoutError('x')).toBeInstanceOf(NetworkError);
  });
});
