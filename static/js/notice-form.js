// The notice form: show only the inputs that the chosen kind of target uses (all of them stay in
// the form, so that the page works without this script).
(() => {
  const choices = document.querySelectorAll("[data-target-choice]");
  const sync = () => {
    const chosen = document.querySelector("[data-target-choice]:checked");
    document.querySelectorAll("[data-shown-for]").forEach((block) => {
      block.hidden = chosen !== null && !block.dataset.shownFor.split(" ").includes(chosen.value);
    });
  };
  choices.forEach((choice) => choice.addEventListener("change", sync));
  sync();
})();
