import { describe, expect, it } from "vitest";
import { emptySagaList, withoutSaga, withSaga } from "./sagaList";

describe("the list of sagas", () => {
  it("puts a new saga first and keeps a known one where it is", () => {
    let list = withSaga(withSaga(withSaga(emptySagaList, "a"), "b"), "c");
    expect(list.ids).toEqual(["c", "b", "a"]);
    expect(withSaga(list, "a")).toBe(list);
    list = withSaga(list, "d");
    expect(list).toEqual({ ids: ["d", "c", "b", "a"], trimmed: false });
  });

  it("is bounded: the oldest fall off, and it says so", () => {
    let list = emptySagaList;
    for (const id of ["a", "b", "c", "d"]) list = withSaga(list, id, 3);
    expect(list).toEqual({ ids: ["d", "c", "b"], trimmed: true });
  });

  it("on closing, gives the neighbour to open in its place", () => {
    const list = { ids: ["c", "b", "a"], trimmed: false };
    expect(withoutSaga(list, "b")).toEqual({
      list: { ids: ["c", "a"], trimmed: false },
      neighbour: "a",
    });
    expect(withoutSaga(list, "a").neighbour).toBe("b");
    expect(withoutSaga({ ids: ["a"], trimmed: false }, "a")).toEqual({
      list: { ids: [], trimmed: false },
      neighbour: null,
    });
    expect(withoutSaga(list, "x")).toEqual({ list, neighbour: null });
  });
});
