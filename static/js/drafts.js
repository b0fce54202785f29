// Drafts of phone forms kept in the browser (IndexedDB), so that a half-filled form survives a
// dropped connection, a reload and an expired login. A form opts in with data-draft="<key>": every
// change is saved under the key (photos too, as Blobs); opening the form again puts the draft
// back. A page that confirms the submission carries data-draft-done="<key>" and the draft is
// deleted; signing out deletes every draft. Nothing is sent anywhere: the form posts as usual.
(() => {
  const DB = "lianfang-drafts";
  const STORE = "drafts";
  const open = () =>
    new Promise((resolve, reject) => {
      if (!window.indexedDB) return reject(new Error("no IndexedDB"));
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const run = (mode, work) =>
    open().then(
      (db) =>
        new Promise((resolve, reject) => {
          const tx = db.transaction(STORE, mode);
          const result = work(tx.objectStore(STORE));
          tx.oncomplete = () => { db.close(); resolve(result && result.result); };
          tx.onerror = () => { db.close(); reject(tx.error); };
        }),
    );
  const read = (key) => run("readonly", (store) => store.get(key));
  const write = (key, value) => run("readwrite", (store) => store.put(value, key));
  const remove = (key) => run("readwrite", (store) => store.delete(key));

  const capture = (form) => {
    const fields = {};
    const files = {};
    for (const el of form.elements) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") continue;
      if (el.type === "file") {
        if (el.files && el.files[0]) files[el.name] = el.files[0];
      } else if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) (fields[el.name] = fields[el.name] || []).push(el.value);
        else fields[el.name] = fields[el.name] || [];
      } else {
        fields[el.name] = [el.value];
      }
    }
    return { fields, files, saved: Date.now() };
  };

  const restore = (form, draft) => {
    for (const el of form.elements) {
      if (!el.name || el.name === "csrfmiddlewaretoken") continue;
      const values = draft.fields[el.name];
      if (el.type === "file") {
        const blob = draft.files && draft.files[el.name];
        if (blob && window.DataTransfer) {
          const dt = new DataTransfer();
          dt.items.add(blob instanceof File ? blob : new File([blob], "photo.jpg", { type: blob.type }));
          el.files = dt.files;
        }
      } else if (values === undefined) {
        continue;
      } else if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.includes(el.value);
      } else {
        el.value = values[0] || "";
      }
    }
    const note = form.querySelector("[data-draft-restored]");
    if (note) note.hidden = false;
  };

  document.querySelectorAll("[data-draft-done]").forEach((el) => remove(el.dataset.draftDone).catch(() => {}));

  document.querySelectorAll("form[data-draft]").forEach((form) => {
    const key = form.dataset.draft;
    let restoring = true;
    read(key)
      .then((draft) => { if (draft) restore(form, draft); })
      .catch(() => {})
      .finally(() => { restoring = false; form.dataset.draftReady = "1"; });
    const save = () => { if (!restoring) write(key, capture(form)).catch(() => {}); };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  });

  document.querySelectorAll("form[data-drafts-clear]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.cleared) return;
      event.preventDefault();
      const go = () => { form.dataset.cleared = "1"; form.submit(); };
      const timer = setTimeout(go, 1500);
      const request = window.indexedDB ? indexedDB.deleteDatabase(DB) : null;
      if (!request) return go();
      request.onsuccess = request.onerror = request.onblocked = () => { clearTimeout(timer); go(); };
    });
  });
})();
