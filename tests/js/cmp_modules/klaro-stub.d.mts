// Klaro ships no types; consumer.mts needs only a module to hand over.
export declare function setup(config: object): void;
export declare function show(): boolean;
