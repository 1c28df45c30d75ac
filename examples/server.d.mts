// Lets the server test import the example with types.
import type { Server } from 'node:http';
export declare function createTrainingServer(options?: { samples?: number; epochs?: number }): Server;
